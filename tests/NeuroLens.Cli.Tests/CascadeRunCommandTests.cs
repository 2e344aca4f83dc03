using System.Text.Json;
using NeuroLens.Imaging.IO;
using NeuroLens.Imaging.Synthetic;

namespace NeuroLens.Cli.Tests;

public sealed class CascadeRunCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neurolens-cascade-run-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void RunsACascadeWithMeasuredAndPredictedCallsSideBySide()
    {
        var sample = SyntheticData.Generate(SyntheticData.Options("nuclei", null, 256, 256, 1, 0.1), seed: 4);
        string image = Path.Combine(_folder, "image.tif"), truth = Path.Combine(_folder, "labels.tif");
        VolumeFile.Write(image, sample.Image);
        VolumeFile.Write(truth, sample.Labels);
        string outDir = Path.Combine(_folder, "run");
        var r = CliRunner.Run("cascade", "run", "--image", image, "--truth", truth, "--levels", "2", "--detector", "intensity",
                              "--chunk", "16", "--out", outDir, "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        double measured = root.GetProperty("call_ratio").GetDouble(), predicted = root.GetProperty("predicted_call_ratio").GetDouble();
        Assert.InRange(measured, 0.25, 1.0);   // the coarse level is called on 1/4 of the chunks, then children of positives
        Assert.InRange(predicted, 0.25, 1.25);
        Assert.Equal(2, root.GetProperty("predicted_calls_per_level").GetArrayLength());
        Assert.True(File.Exists(Path.Combine(outDir, "report.html")));
        Assert.True(File.Exists(Path.Combine(outDir, "calibration.csv")));
    }

    [Fact]
    public void TruthIsRequired()
    {
        var r = CliRunner.Run("cascade", "run", "--image", Path.Combine(_folder, "none.tif"), "--levels", "2");
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.ErrorLines);
    }
}
