using System.Text.Json;
using NeuroLens.Imaging;
using NeuroLens.Imaging.IO;

namespace NeuroLens.Cli.Tests;

public sealed class SegCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neurolens-seg-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Labels<T>(string name, params T[] values) where T : unmanaged
    {
        var v = new Volume<T>(values, 1, 1, values.Length);
        string path = Path.Combine(_folder, name);
        VolumeFile.Write(path, v);
        return path;
    }

    [Fact]
    public void ViOfAnOverSegmentationIsAllSplit()
    {
        // Truth: one object of 4 voxels; segmentation cuts it in halves: H(S|T) = 1 bit, H(T|S) = 0.
        string truth = Labels<ulong>("t.npy", 7, 7, 7, 7);
        string pred = Labels<ushort>("p.tif", 1, 1, 2, 2);
        var r = CliRunner.Run("seg", "vi", "--truth", truth, "--pred", pred, "--json", "--out", Path.Combine(_folder, "o"));
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(1.0, doc.RootElement.GetProperty("split").GetDouble(), 12);
        Assert.Equal(0.0, doc.RootElement.GetProperty("merge").GetDouble(), 12);
        Assert.Equal(1.0, doc.RootElement.GetProperty("vi").GetDouble(), 12);
    }

    [Fact]
    public void IgnoringTruthZeroDropsItsVoxels()
    {
        // With truth-0 voxels ignored, the two agreeing voxels remain: VI 0.
        string truth = Labels<byte>("t.tif", 0, 0, 5, 5);
        string pred = Labels<byte>("p.tif", 1, 2, 3, 3);
        var none = CliRunner.Run("seg", "vi", "--truth", truth, "--pred", pred, "--json", "--out", Path.Combine(_folder, "a"));
        var cremi = CliRunner.Run("seg", "vi", "--truth", truth, "--pred", pred, "--ignore", "truth0", "--json", "--out", Path.Combine(_folder, "b"));
        using var a = JsonDocument.Parse(none.Stdout);
        using var b = JsonDocument.Parse(cremi.Stdout);
        Assert.True(a.RootElement.GetProperty("vi").GetDouble() > 0.4);
        Assert.Equal(0.0, b.RootElement.GetProperty("vi").GetDouble(), 12);
    }

    [Fact]
    public void NonLabelValuesAndShapeMismatchAreOneLineFailures()
    {
        string truth = Labels<byte>("t.tif", 1, 1, 2, 2);
        var fractional = CliRunner.Run("seg", "vi", "--truth", truth, "--pred", Labels<float>("f.tif", 0.5f, 1, 1, 1));
        Assert.Equal(1, fractional.ExitCode);
        Assert.Contains("whole numbers", Assert.Single(fractional.ErrorLines));
        var shape = CliRunner.Run("seg", "vi", "--truth", truth, "--pred", Labels<byte>("s.tif", 1, 1, 1));
        Assert.Equal(1, shape.ExitCode);
        Assert.Contains("differ in shape", Assert.Single(shape.ErrorLines));
    }

    [Fact]
    public void WatershedSegmentsABoundaryMap()
    {
        // Two interiors separated by a bright wall at x = 8.
        var map = new Volume<byte>(1, 12, 17);
        for (int y = 0; y < 12; y++) map[0, y, 8] = 250;
        string path = Path.Combine(_folder, "b.png");
        VolumeFile.Write(path, map);
        string labels = Path.Combine(_folder, "l.tif");
        var r = CliRunner.Run("seg", "watershed", path, "--output", labels, "--out", Path.Combine(_folder, "w"), "--quiet");
        Assert.Equal(0, r.ExitCode);
        var l = VolumeFile.Read<uint>(labels);
        Assert.NotEqual(l[0, 5, 2], l[0, 5, 14]);
        Assert.Equal(2, l.Data.Distinct().Count());
    }
}
