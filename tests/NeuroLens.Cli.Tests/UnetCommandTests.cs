using System.Text.Json;
using NeuroLens.Imaging.IO;

namespace NeuroLens.Cli.Tests;

public sealed class UnetCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neurolens-unet-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly string[] Tiny =
        ["--synthetic", "mouse-sbem", "--count", "2", "--size", "64", "--depth", "1", "--width", "4", "--batch", "2",
         "--patch", "32", "--checkpoint-every", "2", "--threads", "1", "--json"];

    [Fact]
    public void TrainsResumesAndPredicts()
    {
        string outDir = Path.Combine(_folder, "run");
        var first = CliRunner.Run(["unet", "train", .. Tiny, "--steps", "4", "--out", outDir]);
        Assert.Equal(0, first.ExitCode);
        var resumed = CliRunner.Run(["unet", "train", .. Tiny, "--steps", "6", "--resume", "--out", outDir]);
        Assert.Equal(0, resumed.ExitCode);
        using (var doc = JsonDocument.Parse(resumed.Stdout))
        {
            Assert.Equal(4, doc.RootElement.GetProperty("start_step").GetInt32());
            Assert.Equal(6, doc.RootElement.GetProperty("steps").GetInt32());
        }
        Assert.Equal(7, File.ReadAllLines(Path.Combine(outDir, "loss.csv")).Length); // header + 6 steps

        var image = Path.Combine(_folder, "image.tif");
        VolumeFile.Write(image, new NeuroLens.Imaging.Volume<byte>(1, 50, 70));
        string output = Path.Combine(_folder, "b.tif");
        var predicted = CliRunner.Run("unet", "predict", Path.Combine(outDir, "model"), "--image", image, "--output", output,
                                      "--tile", "32", "--threads", "1", "--quiet", "--out", Path.Combine(_folder, "p"));
        Assert.Equal(0, predicted.ExitCode);
        var b = VolumeFile.Read<float>(output);
        Assert.Equal(new[] { 50, 70 }, b.Shape);
        Assert.All(b.Data, p => Assert.InRange(p, 0f, 1f));
    }

    [Fact]
    public void MissingTrainingDataIsAUsageError()
    {
        var r = CliRunner.Run("unet", "train", "--out", Path.Combine(_folder, "x"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--synthetic", Assert.Single(r.ErrorLines));
    }
}
