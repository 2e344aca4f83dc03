using System.Text.Json.Nodes;
using NeuroLens.Imaging.IO;
using static NeuroLens.Imaging.Tests.IO.IoTestData;

namespace NeuroLens.Imaging.Tests.IO;

public class OmeZarrTests
{
    // A 2× block-mean pyramid in y and x (and z for volumes), enough to exercise the writer; the
    // real pyramid builder lives elsewhere.
    private static List<Volume<ushort>> Pyramid(Volume<ushort> s0, int levels)
    {
        var result = new List<Volume<ushort>> { s0 };
        for (int l = 1; l < levels; l++)
        {
            var prev = result[^1];
            int fz = prev.Dimensions == 3 ? 2 : 1;
            var next = new Volume<ushort>(Math.Max(1, prev.Depth / fz), prev.Height / 2, prev.Width / 2, prev.Channels, prev.Dimensions);
            for (int c = 0; c < next.Channels; c++)
                for (int z = 0; z < next.Depth; z++)
                    for (int y = 0; y < next.Height; y++)
                        for (int x = 0; x < next.Width; x++)
                        {
                            int sum = 0, n = 0;
                            for (int dz = 0; dz < fz; dz++)
                                for (int dy = 0; dy < 2; dy++)
                                    for (int dx = 0; dx < 2; dx++) { sum += prev[z * fz + dz, 2 * y + dy, 2 * x + dx, c]; n++; }
                            next[z, y, x, c] = (ushort)(sum / n);
                        }
            result.Add(next);
        }
        return result;
    }

    private static double[][] Factors(int levels, bool z) =>
        Enumerable.Range(0, levels).Select(l => new double[] { z ? 1 << l : 1, 1 << l, 1 << l }).ToArray();

    [Fact]
    public void PyramidMetadataIsValidNgff04AndEveryLevelReadsBack()
    {
        using var dir = new TempDir();
        var s0 = Random<ushort>(8, 40, 48, channels: 2, seed: 1);
        s0.VoxelSize = [2.0, 0.5, 0.5];
        var levels = Pyramid(s0, 3);
        string path = dir.File("cells.zarr");
        OmeZarr.Write(path, levels, Factors(3, z: true), new VolumeWriteOptions { Unit = "µm", ZarrChunks = [4, 16, 16] });

        Assert.Equal(2, JsonNode.Parse(File.ReadAllText(Path.Combine(path, ".zgroup")))!["zarr_format"]!.GetValue<int>());
        var ms = JsonNode.Parse(File.ReadAllText(Path.Combine(path, ".zattrs")))!["multiscales"]![0]!;
        Assert.Equal("0.4", ms["version"]!.GetValue<string>());
        var axes = ms["axes"]!.AsArray();
        Assert.Equal(new[] { "c", "z", "y", "x" }, axes.Select(a => a!["name"]!.GetValue<string>()));
        Assert.Equal(new[] { "channel", "space", "space", "space" }, axes.Select(a => a!["type"]!.GetValue<string>()));
        Assert.All(axes.Skip(1), a => Assert.Equal("micrometer", a!["unit"]!.GetValue<string>()));
        Assert.Null(axes[0]!["unit"]);
        var datasets = ms["datasets"]!.AsArray();
        Assert.Equal(new[] { "s0", "s1", "s2" }, datasets.Select(d => d!["path"]!.GetValue<string>()));
        var scales = datasets.Select(d =>
        {
            var t = d!["coordinateTransformations"]!.AsArray();
            Assert.Single(t);
            Assert.Equal("scale", t[0]!["type"]!.GetValue<string>());
            return t[0]!["scale"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        }).ToArray();
        Assert.Equal(new[] { 1, 2.0, 0.5, 0.5 }, scales[0]);
        Assert.Equal(new[] { 1, 8.0, 2, 2 }, scales[2]);
        for (int l = 1; l < 3; l++)
            for (int a = 1; a < 4; a++) Assert.True(scales[l][a] > scales[l - 1][a], "scales increase from full resolution down");
        // NGFF 0.4 requires '/' between chunk indices.
        var zarray = JsonNode.Parse(File.ReadAllText(Path.Combine(path, "s0", ".zarray")))!;
        Assert.Equal("/", zarray["dimension_separator"]!.GetValue<string>());
        Assert.Equal(new long[] { 2, 8, 40, 48 }, zarray["shape"]!.AsArray().Select(v => v!.GetValue<long>()));
        Assert.True(File.Exists(Path.Combine(path, "s0", "1", "1", "2", "2")));

        for (int l = 0; l < 3; l++)
        {
            var back = VolumeFile.Read(path, new VolumeReadOptions { Level = l });
            AssertSameVoxels(levels[l], back);
            Assert.Equal(scales[l][1..], back.VoxelSize);
        }
        var info = VolumeFile.Describe(path);
        Assert.Equal(("ome-zarr", 2, "micrometer", 3), (info.Format, info.Channels, info.Unit, info.Levels.Count));
        Assert.Equal(new[] { 2, 10, 12 }, info.Levels[2].Shape);
        Assert.Equal(new[] { 8.0, 2, 2 }, info.Levels[2].VoxelSize);
    }

    [Fact]
    public void TwoDimensionalGreyPyramidHasYxAxes()
    {
        using var dir = new TempDir();
        var levels = Pyramid(Random<ushort>(1, 33, 30, seed: 2), 2);
        string path = dir.File("image.zarr");
        OmeZarr.Write(path, levels, Factors(2, z: false));
        var ms = JsonNode.Parse(File.ReadAllText(Path.Combine(path, ".zattrs")))!["multiscales"]![0]!;
        Assert.Equal(new[] { "y", "x" }, ms["axes"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()));
        for (int l = 0; l < 2; l++) AssertSameVoxels(levels[l], OmeZarr.Read(path, l));
        Assert.Equal(2, OmeZarr.Read(path, 1).Dimensions);
    }

    [Fact]
    public void RegionReadsOfALevelEqualCrops()
    {
        using var dir = new TempDir();
        var levels = Pyramid(Random<ushort>(6, 36, 44, seed: 3), 2);
        string path = dir.File("r.zarr");
        OmeZarr.Write(path, levels, Factors(2, z: true), new VolumeWriteOptions { ZarrChunks = [2, 8, 8], ZarrCompressor = "gzip" });
        var box = new Box(1, 3, 5, 2, 9, 10);
        AssertSameVoxels(levels[1].Crop(box), VolumeFile.Read(path, new VolumeReadOptions { Level = 1, Region = box }));
        AssertSameVoxels(levels[0].Crop(box), OmeZarr.Read(path, 0, box));
    }

    [Fact]
    public void ReadsTczyxImagesWithOneTimePointAndTopLevelScale()
    {
        using var dir = new TempDir();
        string path = dir.File("t.zarr");
        var volume = Random<byte>(3, 5, 6, seed: 4);
        ZarrArray.Write(Path.Combine(path, "0"), AnyVolume.From(volume));
        File.Delete(Path.Combine(path, "0", ".zattrs"));
        // Rewrite the array as [t, c, z, y, x] = [1, 1, 3, 5, 6]: same bytes, chunks over the same voxels.
        var meta = JsonNode.Parse(File.ReadAllText(Path.Combine(path, "0", ".zarray")))!;
        meta["shape"] = new JsonArray(1, 1, 3, 5, 6);
        meta["chunks"] = new JsonArray(1, 1, 3, 5, 6);
        File.WriteAllText(Path.Combine(path, "0", ".zarray"), meta.ToJsonString());
        File.Move(Path.Combine(path, "0", "0.0.0"), Path.Combine(path, "0", "0.0.0.0.0"));
        File.WriteAllText(Path.Combine(path, ".zattrs"), """
            {"multiscales": [{"version": "0.4", "axes": [{"name": "t", "type": "time"}, {"name": "c", "type": "channel"},
              {"name": "z", "type": "space", "unit": "nanometer"}, {"name": "y", "type": "space", "unit": "nanometer"}, {"name": "x", "type": "space", "unit": "nanometer"}],
              "datasets": [{"path": "0", "coordinateTransformations": [{"type": "scale", "scale": [1, 1, 40, 4, 4]}]}],
              "coordinateTransformations": [{"type": "scale", "scale": [1, 1, 1, 2, 2]}]}]}
            """);
        var back = VolumeFile.Read(path);
        AssertSameVoxels(volume, back);
        Assert.Equal(new double[] { 40, 8, 8 }, back.VoxelSize);
        Assert.Equal("nanometer", VolumeFile.Describe(path).Unit);
    }

    [Fact]
    public void BadPyramidsAreRefusedAndAFailedWriteKeepsTheOldStore()
    {
        using var dir = new TempDir();
        string path = dir.File("p.zarr");
        var levels = Pyramid(Random<ushort>(4, 16, 16, seed: 5), 2);
        OmeZarr.Write(path, levels, Factors(2, z: true));
        AssertMalformed(path, () => OmeZarr.Write(path, levels, [[1, 1, 1], [1, 1, 1]]), "extent");
        AssertMalformed(path, () => OmeZarr.Write(path, [levels[1], levels[0]], [[1, 1, 1], [0.5, 0.5, 0.5]]), "≥ 1");
        AssertMalformed(path, () => OmeZarr.Write(path, levels, Factors(1, z: true)), "scale factors");
        AssertMalformed(path, () => OmeZarr.Write(path, levels, Factors(2, z: true), new VolumeWriteOptions { ZarrCompressor = "blosc" }), "blosc");
        AssertSameVoxels(levels[1], OmeZarr.Read(path, 1));
        Assert.Equal(new[] { "p.zarr" }, Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));

        // A folder that is not a zarr store is never replaced.
        string other = dir.File("notes.zarr");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "keep.txt"), "precious");
        AssertMalformed(other, () => OmeZarr.Write(other, levels, Factors(2, z: true)), "not a zarr store");
        Assert.True(File.Exists(Path.Combine(other, "keep.txt")));
    }

    public static TheoryData<string, string> BadAttributes() => new()
    {
        { "[]", "JSON object" },
        { """{"multiscales": []}""", "multiscales" },
        { """{"multiscales": [{"version": "0.9", "axes": [], "datasets": []}]}""", "version" },
        { """{"multiscales": [{"version": "0.4", "axes": [{"name": "q", "type": "space"}], "datasets": [{"path": "s0"}]}]}""", "axes" },
        { """{"multiscales": [{"version": "0.4", "axes": [{"name": "y", "type": "space"}, {"name": "x", "type": "space"}], "datasets": []}]}""", "datasets" },
        { """{"multiscales": [{"version": "0.4", "axes": [{"name": "y", "type": "space"}, {"name": "x", "type": "space"}], "datasets": [{"path": "s0"}]}]}""", "coordinateTransformations" },
        { """{"multiscales": [{"version": "0.4", "axes": [{"name": "y", "type": "space"}, {"name": "x", "type": "space"}], "datasets": [{"path": "../s0", "coordinateTransformations": [{"type": "scale", "scale": [1, 1]}]}]}]}""", "leaves" },
        { """{"multiscales": [{"version": "0.4", "axes": [{"name": "y", "type": "space"}, {"name": "x", "type": "space"}], "datasets": [{"path": "s0", "coordinateTransformations": [{"type": "scale", "scale": [1, 0]}]}]}]}""", "positive" },
        { """{"multiscales": [{"version": "0.4", "axes": [{"name": "z", "type": "space"}, {"name": "y", "type": "space"}, {"name": "x", "type": "space"}], "datasets": [{"path": "s0", "coordinateTransformations": [{"type": "scale", "scale": [1, 1, 1]}]}]}]}""", "axes" },
    };

    [Theory]
    [MemberData(nameof(BadAttributes))]
    public void MalformedMultiscalesAreRefused(string zattrs, string mentions)
    {
        using var dir = new TempDir();
        string path = dir.File("m.zarr");
        OmeZarr.Write(path, [Random<byte>(1, 8, 8)], [[1, 1, 1]]);
        File.WriteAllText(Path.Combine(path, ".zattrs"), zattrs);
        AssertMalformed(path, () => VolumeFile.Read(path), mentions);
        AssertMalformed(path, () => VolumeFile.Describe(path), mentions);
    }

    [Fact]
    public void MissingLevelIsRefused()
    {
        using var dir = new TempDir();
        string path = dir.File("l.zarr");
        OmeZarr.Write(path, [Random<byte>(1, 8, 8)], [[1, 1, 1]]);
        AssertMalformed(path, () => VolumeFile.Read(path, new VolumeReadOptions { Level = 3 }), "level 3");
    }
}
