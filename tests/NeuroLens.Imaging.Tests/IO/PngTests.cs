using System.Buffers.Binary;
using System.IO.Compression;
using NeuroLens.Imaging.IO;
using SkiaSharp;
using static NeuroLens.Imaging.Tests.IO.IoTestData;

namespace NeuroLens.Imaging.Tests.IO;

public class PngTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void EightBitRoundTripsExactly(int channels)
    {
        using var dir = new TempDir();
        var image = Random<byte>(1, 37, 53, channels);
        VolumeFile.Write(dir.File("a.png"), image);
        var back = VolumeFile.Read(dir.File("a.png"));
        AssertSameVoxels(image, back);
        Assert.Equal(2, back.Dimensions);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void SixteenBitRoundTripsExactly(int channels)
    {
        using var dir = new TempDir();
        var image = Random<ushort>(1, 29, 31, channels, seed: 7);
        image[0, 0, 0] = 0x1234;
        PngFormat.Write(dir.File("a.png"), AnyVolume.From(image));
        var back = PngFormat.Read(dir.File("a.png"));
        AssertSameVoxels(image, back);
        // Samples are big-endian in the file; in row 0 every filter leaves the first pixel as it is.
        byte[] raw = RawRows(dir.File("a.png"), out _);
        Assert.Equal(new byte[] { 0x12, 0x34 }, raw[1..3]);
        Assert.Equal(VoxelType.UInt16, VolumeFile.Describe(dir.File("a.png")).Type);
    }

    [Fact]
    public void SmoothImagesUseEveryFilterAndStillRoundTrip()
    {
        using var dir = new TempDir();
        var image = new Volume<ushort>(1, 64, 80, 3);
        var rng = new Random(3);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 64; y++)
                for (int x = 0; x < 80; x++)
                    image[0, y, x, c] = (ushort)(y * 300 + x * 200 * (c + 1) + (x * y % 7 == 0 ? rng.Next(5000) : 0));
        string path = dir.File("smooth.png");
        PngFormat.Write(path, AnyVolume.From(image));
        AssertSameVoxels(image, PngFormat.Read(path));
        Assert.True(FilterTypes(path).Count >= 3, "the adaptive filter should pick several filter types on this image");
    }

    [Fact]
    public void OurPngsDecodeInSkiaAndSkiaPngsDecodeInOurs()
    {
        using var dir = new TempDir();
        var rgb = Random<byte>(1, 20, 30, 3);
        PngFormat.Write(dir.File("ours.png"), AnyVolume.From(rgb));
        using (var bitmap = SKBitmap.Decode(dir.File("ours.png")))
        {
            var px = bitmap.GetPixel(17, 11);
            Assert.Equal((rgb[0, 11, 17, 0], rgb[0, 11, 17, 1], rgb[0, 11, 17, 2]), (px.Red, px.Green, px.Blue));
        }

        using (var bitmap = new SKBitmap(new SKImageInfo(30, 20, SKColorType.Rgba8888, SKAlphaType.Unpremul)))
        {
            for (int y = 0; y < 20; y++)
                for (int x = 0; x < 30; x++)
                    bitmap.SetPixel(x, y, new SKColor(rgb[0, y, x, 0], rgb[0, y, x, 1], rgb[0, y, x, 2], 255));
            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(dir.File("skia.png"), data.ToArray());
        }
        var back = PngFormat.Read(dir.File("skia.png"));
        Assert.Equal(rgb.Data, back.As<byte>().Data.Take(rgb.Data.Length));
    }

    [Fact]
    public void RefusesTypesAndShapesPngCannotHold()
    {
        using var dir = new TempDir();
        AssertMalformed(dir.File("f.png"), () => VolumeFile.Write(dir.File("f.png"), new Volume<float>(1, 4, 4)), "uint8 or uint16");
        AssertMalformed(dir.File("v.png"), () => VolumeFile.Write(dir.File("v.png"), new Volume<byte>(3, 4, 4)), "2D");
        Assert.False(File.Exists(dir.File("f.png")));
    }

    [Fact]
    public void TruncatedFileIsRefused()
    {
        using var dir = new TempDir();
        string path = WriteSample(dir);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        AssertMalformed(path, () => PngFormat.Read(path), "truncated");
        File.WriteAllBytes(path, bytes[..(bytes.Length - 12)]); // IEND cut off
        AssertMalformed(path, () => PngFormat.Read(path), "IEND");
    }

    [Fact]
    public void BadCrcIsRefused()
    {
        using var dir = new TempDir();
        string path = WriteSample(dir);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[8 + 25 + 10] ^= 0x55; // inside the first IDAT's data
        File.WriteAllBytes(path, bytes);
        AssertMalformed(path, () => PngFormat.Read(path), "CRC");
    }

    [Fact]
    public void HugeDeclaredDimensionsAreRefusedBeforeAllocating()
    {
        using var dir = new TempDir();
        string path = WriteSample(dir);
        byte[] bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), 2_000_000_000);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), 2_000_000_000);
        FixCrc(bytes, 8);
        File.WriteAllBytes(path, bytes);
        AssertMalformed(path, () => PngFormat.Read(path), "limit");

        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), 20_000);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), 20_000);
        FixCrc(bytes, 8);
        File.WriteAllBytes(path, bytes);
        AssertMalformed(path, () => PngFormat.Read(path), "cannot come from");
    }

    [Fact]
    public void InterlacedAndForeignFilesAreRefusedClearly()
    {
        using var dir = new TempDir();
        string path = WriteSample(dir);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[28] = 1; // interlace method
        FixCrc(bytes, 8);
        File.WriteAllBytes(path, bytes);
        AssertMalformed(path, () => PngFormat.Read(path), "Adam7");

        File.WriteAllText(path, "not an image at all");
        AssertMalformed(path, () => VolumeFile.Read(path), "unrecognised");
        AssertMalformed(path, () => PngFormat.Read(path), "signature");
    }

    private static string WriteSample(TempDir dir)
    {
        string path = dir.File("sample.png");
        PngFormat.Write(path, AnyVolume.From(Random<byte>(1, 16, 16)));
        return path;
    }

    private static void FixCrc(byte[] png, int chunkStart)
    {
        int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(chunkStart));
        uint crc = PngFormat.Crc32(png.AsSpan(chunkStart + 4, 4 + length));
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(chunkStart + 8 + length), crc);
    }

    // The filter type byte of every row, read back independently of the decoder under test.
    private static HashSet<byte> FilterTypes(string path)
    {
        byte[] raw = RawRows(path, out int height);
        int stride = raw.Length / height;
        return Enumerable.Range(0, height).Select(y => raw[y * stride]).ToHashSet();
    }

    // The decompressed, still filtered rows.
    private static byte[] RawRows(string path, out int height)
    {
        byte[] png = File.ReadAllBytes(path);
        height = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20));
        var idat = new MemoryStream();
        for (int pos = 8; pos < png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            if (png.AsSpan(pos + 4, 4).SequenceEqual("IDAT"u8)) idat.Write(png, pos + 8, length);
            pos += 12 + length;
        }
        idat.Position = 0;
        var raw = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.CopyTo(raw);
        return raw.ToArray();
    }
}
