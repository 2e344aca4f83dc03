using System.Text.Json;
using NeuroLens.Imaging;
using NeuroLens.Imaging.IO;

namespace NeuroLens.Cli.Tests;

public sealed class ImageCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neurolens-image-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Image(string name, int height, int width)
    {
        var image = new Volume<ushort>(1, height, width);
        for (int i = 0; i < image.Data.Length; i++) image.Data[i] = (ushort)(i * 37 % 65536);
        string path = Path.Combine(_folder, name);
        VolumeFile.Write(path, image);
        return path;
    }

    [Fact]
    public void InfoReportsShapeAndTypeAsJson()
    {
        var r = CliRunner.Run("image", "info", Image("a.png", 30, 40), "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal("uint16", doc.RootElement.GetProperty("type").GetString());
        Assert.Equal(new[] { 30, 40 }, doc.RootElement.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public void PyramidWritesOmeZarrLevelsInTheImagesType()
    {
        string zarr = Path.Combine(_folder, "p.zarr");
        var r = CliRunner.Run("image", "pyramid", Image("b.png", 256, 200), "--out", zarr, "--levels", "3", "--quiet");
        Assert.Equal(0, r.ExitCode);
        var info = VolumeFile.Describe(zarr);
        Assert.Equal(VoxelType.UInt16, info.Type);
        Assert.Equal(new[] { new[] { 256, 200 }, new[] { 128, 100 }, new[] { 64, 50 } }, info.Levels.Select(l => l.Shape));
        // Block mean of the first 2×2 block, rounded to the nearest integer.
        var s1 = VolumeFile.Read<ushort>(zarr, new VolumeReadOptions { Level = 1 });
        var s0 = VolumeFile.Read<ushort>(zarr);
        double mean = (s0[0, 0, 0] + s0[0, 0, 1] + s0[0, 1, 0] + s0[0, 1, 1]) / 4.0;
        Assert.Equal(Math.Round(mean, MidpointRounding.ToEven), s1[0, 0, 0]);
    }

    [Fact]
    public void MalformedImageIsAOneLineFailure()
    {
        string path = Path.Combine(_folder, "bad.png");
        File.WriteAllBytes(path, [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, 0, 0]);
        var r = CliRunner.Run("image", "info", path);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("bad.png", Assert.Single(r.ErrorLines));
    }

    [Fact]
    public void SynthWritesImageLabelsMaskAndResults()
    {
        string outDir = Path.Combine(_folder, "synth");
        var r = CliRunner.Run("image", "synth", "nuclei", "--width", "128", "--height", "96", "--prevalence", "0.25",
                              "--format", "tif", "--out", outDir, "--seed", "3", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var labels = VolumeFile.Read<uint>(Path.Combine(outDir, "labels.tif"));
        var mask = VolumeFile.Read<byte>(Path.Combine(outDir, "mask.tif"));
        Assert.Equal(new[] { 96, 128 }, labels.Shape);
        for (int i = 0; i < mask.Data.Length; i++) Assert.Equal(labels.Data[i] != 0, mask.Data[i] != 0);
        Assert.Equal(doc.RootElement.GetProperty("labels").GetInt32(), labels.Data.Where(l => l != 0).Distinct().Count());
        Assert.True(File.Exists(Path.Combine(outDir, "results.json")));
        var again = CliRunner.Run("image", "synth", "nuclei", "--width", "128", "--height", "96", "--prevalence", "0.25",
                                  "--format", "tif", "--out", outDir + "2", "--seed", "3", "--quiet");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(File.ReadAllBytes(Path.Combine(outDir, "image.tif")), File.ReadAllBytes(Path.Combine(outDir + "2", "image.tif")));
    }

    [Fact]
    public void SynthRefusesAPrevalenceForDenseKinds()
    {
        var r = CliRunner.Run("image", "synth", "em", "--prevalence", "0.3", "--out", Path.Combine(_folder, "x"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("prevalence", Assert.Single(r.ErrorLines));
    }
}
