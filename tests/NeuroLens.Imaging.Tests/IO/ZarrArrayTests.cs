using System.IO.Compression;
using NeuroLens.Imaging.IO;
using static NeuroLens.Imaging.Tests.IO.IoTestData;

namespace NeuroLens.Imaging.Tests.IO;

public class ZarrArrayTests
{
    public static TheoryData<VoxelType> AllTypes() => new(Enum.GetValues<VoxelType>());

    private static readonly VolumeWriteOptions SmallChunks = new() { ZarrChunks = [2, 5, 4] };

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void EveryTypeRoundTripsExactlyWithEdgeChunks(VoxelType type)
    {
        using var dir = new TempDir();
        var volume = RandomOf(type, 5, 11, 9, seed: 1);
        ZarrArray.Write(dir.File("v.zarr"), volume, SmallChunks);
        AssertSameVoxels(volume, VolumeFile.Read(dir.File("v.zarr")));
        // Edge chunks are stored full-size: 11 rows in chunks of 5 → the last chunk still holds 5 rows.
        var array = ZarrArray.Open(dir.File("v.zarr"));
        long expected = 2 * 5 * 4 * VoxelTypes.SizeOf(type);
        using var zlib = new ZLibStream(File.OpenRead(Path.Combine(dir.File("v.zarr"), "2.2.2")), CompressionMode.Decompress);
        var raw = new MemoryStream();
        zlib.CopyTo(raw);
        Assert.Equal(expected, raw.Length);
        Assert.Equal(new long[] { 5, 11, 9 }, array.Shape);

        var image = RandomOf(type, 1, 6, 7, channels: 2, seed: 2);
        ZarrArray.Write(dir.File("i.zarr"), image, SmallChunks);
        AssertSameVoxels(image, VolumeFile.Read(dir.File("i.zarr")));
    }

    [Theory]
    [InlineData("zlib")]
    [InlineData("gzip")]
    [InlineData(null)]
    public void EachCompressorReadsBack(string? compressor)
    {
        using var dir = new TempDir();
        var volume = Random<ushort>(3, 10, 10, seed: 3);
        ZarrArray.Write(dir.File("c.zarr"), AnyVolume.From(volume), SmallChunks with { ZarrCompressor = compressor, ZarrCompressionLevel = 9 });
        Assert.Equal(compressor, ZarrArray.Open(dir.File("c.zarr")).Compressor);
        AssertSameVoxels(volume, VolumeFile.Read(dir.File("c.zarr")));
        if (compressor == "gzip") // a gzip member starts with 1f 8b
            Assert.Equal(new byte[] { 0x1F, 0x8B }, File.ReadAllBytes(Path.Combine(dir.File("c.zarr"), "0.0.0"))[..2]);
    }

    [Fact]
    public void HandWrittenBigEndianArrayWithFillValueAndSlashSeparatorReads()
    {
        using var dir = new TempDir();
        string path = dir.File("be.zarr");
        Directory.CreateDirectory(Path.Combine(path, "0"));
        File.WriteAllText(Path.Combine(path, ".zarray"), """
            {"zarr_format": 2, "shape": [3, 4], "chunks": [2, 4], "dtype": ">u2", "order": "C",
             "compressor": null, "fill_value": 7, "filters": null, "dimension_separator": "/"}
            """);
        // Chunk (0, 0): rows 0–1, big-endian 0x0102, 0x0304, ...; chunk (1, 0) is missing → fill value 7.
        byte[] chunk = Enumerable.Range(0, 8).SelectMany(i => new[] { (byte)(2 * i + 1), (byte)(2 * i + 2) }).ToArray();
        File.WriteAllBytes(Path.Combine(path, "0", "0"), chunk);
        var v = VolumeFile.Read<ushort>(path);
        Assert.Equal(new[] { 3, 4 }, v.Shape);
        Assert.Equal(0x0102, v[0, 0, 0]);
        Assert.Equal(0x0F10, v[0, 1, 3]);
        Assert.All(Enumerable.Range(0, 4), x => Assert.Equal(7, v[0, 2, x]));
        Assert.Equal(7, ZarrArray.Open(path).FillValue);
    }

    [Fact]
    public void RegionReadsEqualCropsAndTouchOnlyTheirChunks()
    {
        using var dir = new TempDir();
        string path = dir.File("r.zarr");
        var volume = Random<float>(7, 23, 19, channels: 2, seed: 4);
        ZarrArray.Write(path, AnyVolume.From(volume), SmallChunks);
        var rng = new Random(5);
        for (int trial = 0; trial < 20; trial++)
        {
            int z0 = rng.Next(7), y0 = rng.Next(23), x0 = rng.Next(19);
            var box = new Box(z0, y0, x0, 1 + rng.Next(7 - z0), 1 + rng.Next(23 - y0), 1 + rng.Next(19 - x0));
            AssertSameVoxels(volume.Crop(box), VolumeFile.Read(path, new VolumeReadOptions { Region = box }));
        }
        // Corrupt the chunk at the far corner: a region away from it still reads, the whole array does not.
        File.WriteAllBytes(Path.Combine(path, "1.3.4.4"), [1, 2, 3]);
        var near = new Box(0, 0, 0, 2, 5, 4);
        AssertSameVoxels(volume.Crop(near), VolumeFile.Read(path, new VolumeReadOptions { Region = near }));
        AssertMalformed(Path.Combine(path, "1.3.4.4"), () => VolumeFile.Read(path));
        AssertMalformed(path, () => VolumeFile.Read(path, new VolumeReadOptions { Region = new Box(0, 0, 0, 8, 1, 1) }), "outside");
    }

    [Fact]
    public void AllZeroChunksAreNotStoredAndReadAsFill()
    {
        using var dir = new TempDir();
        var sparse = new Volume<byte>(4, 10, 8);
        sparse[3, 9, 7] = 200;
        ZarrArray.Write(dir.File("s.zarr"), AnyVolume.From(sparse), SmallChunks);
        Assert.Single(Directory.GetFiles(dir.File("s.zarr")), f => !Path.GetFileName(f).StartsWith('.'));
        AssertSameVoxels(sparse, VolumeFile.Read(dir.File("s.zarr")));
    }

    public static TheoryData<string, string> BadMetadata() => new()
    {
        { "{ not json", "invalid JSON" },
        { """{"zarr_format": 2, "shape": [4, 4], "chunks": [2, 2], "dtype": "<c8", "compressor": null, "fill_value": 0, "order": "C"}""", "dtype" },
        { """{"zarr_format": 2, "shape": [4, 4], "chunks": [2, 2], "dtype": "<u2", "compressor": {"id": "blosc", "cname": "lz4"}, "fill_value": 0, "order": "C"}""", "blosc" },
        { """{"zarr_format": 2, "shape": [4, 4], "chunks": [2, 2], "dtype": "<u2", "compressor": null, "fill_value": 0, "order": "F"}""", "order" },
        { """{"zarr_format": 3, "shape": [4, 4], "chunks": [2, 2], "dtype": "<u2", "compressor": null, "fill_value": 0}""", "zarr_format" },
        { """{"zarr_format": 2, "shape": [4, -4], "chunks": [2, 2], "dtype": "<u2", "compressor": null, "fill_value": 0}""", "positive" },
        { """{"zarr_format": 2, "shape": [4, 4], "chunks": [2], "dtype": "<u2", "compressor": null, "fill_value": 0}""", "chunks" },
        { """{"zarr_format": 2, "shape": [4, 4], "chunks": [100000, 100000], "dtype": "<u2", "compressor": null, "fill_value": 0}""", "exceed" },
        { """{"zarr_format": 2, "shape": [4, 4], "chunks": [2, 2], "dtype": "|u1", "compressor": null, "fill_value": 300}""", "fill_value" },
        { """{"zarr_format": 2, "shape": [4, 3000000000], "chunks": [2, 2], "dtype": "|u1", "compressor": null, "fill_value": 0}""", "2^31" },
        { """{"zarr_format": 2, "shape": "big", "chunks": [2, 2], "dtype": "|u1", "compressor": null, "fill_value": 0}""", "shape" },
        { """{"zarr_format": 2, "shape": [4, 4], "chunks": [2, 2], "dtype": "<u2", "compressor": null, "fill_value": 0, "filters": [{"id": "delta"}]}""", "filters" },
    };

    [Theory]
    [MemberData(nameof(BadMetadata))]
    public void MalformedMetadataIsRefused(string json, string mentions)
    {
        using var dir = new TempDir();
        string path = dir.File("bad.zarr");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, ".zarray"), json);
        AssertMalformed(path, () => VolumeFile.Read(path), mentions);
    }

    [Fact]
    public void HugeShapeIsRefusedBeforeAllocating()
    {
        using var dir = new TempDir();
        string path = dir.File("huge.zarr");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, ".zarray"), """
            {"zarr_format": 2, "shape": [100000, 100000, 100000], "chunks": [64, 64, 64], "dtype": "<u2", "compressor": null, "fill_value": 0, "order": "C"}
            """);
        AssertMalformed(path, () => VolumeFile.Read(path), "limit");
        Assert.Equal(new[] { 100000, 100000, 100000 }, VolumeFile.Describe(path).Shape);
    }

    [Theory]
    [InlineData(null, 7, "expected 16")]
    [InlineData("zlib", -2, "at most")]
    [InlineData("zlib", 7, "decompresses")]
    [InlineData("zlib", 40, "more than")]
    [InlineData("gzip", -1, "decompresses")]
    public void ChunksOfTheWrongSizeOrCorruptAreRefused(string? compressor, int rawBytes, string mentions)
    {
        using var dir = new TempDir();
        string path = dir.File("w.zarr");
        ZarrArray.Write(path, AnyVolume.From(Random<ushort>(1, 4, 4)), new VolumeWriteOptions { ZarrChunks = [1, 2, 4], ZarrCompressor = compressor });
        string chunk = Path.Combine(path, "0.0");
        var stream = new MemoryStream();
        if (rawBytes == -1) stream.Write([0x1F, 0x8B, 8, 0, 9, 9, 9, 9, 9, 9, 9, 9]);
        else if (rawBytes == -2) stream.Write(new byte[1 << 20]); // far larger than any encoding of 16 bytes
        else
        {
            using Stream writer = compressor == "zlib" ? new ZLibStream(stream, CompressionLevel.Fastest, leaveOpen: true) : new BufferedStream(stream);
            writer.Write(new byte[rawBytes]);
        }
        File.WriteAllBytes(chunk, stream.ToArray());
        AssertMalformed(chunk, () => VolumeFile.Read(path), mentions);
    }
}
