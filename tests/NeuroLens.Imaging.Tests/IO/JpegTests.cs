using NeuroLens.Imaging.IO;
using static NeuroLens.Imaging.Tests.IO.IoTestData;

namespace NeuroLens.Imaging.Tests.IO;

public class JpegTests
{
    // JPEG is lossy: a smooth image comes back close, not equal.
    private static Volume<byte> Smooth(int channels)
    {
        var v = new Volume<byte>(1, 48, 64, channels);
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < 48; y++)
                for (int x = 0; x < 64; x++)
                    v[0, y, x, c] = (byte)(40 + 2 * x + y + 30 * c);
        return v;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void RoundTripsCloselyKeepingGreyOrRgb(int channels)
    {
        using var dir = new TempDir();
        var image = Smooth(channels);
        VolumeFile.Write(dir.File("a.jpg"), image, new VolumeWriteOptions { JpegQuality = 98 });
        var info = VolumeFile.Describe(dir.File("a.jpg"));
        Assert.Equal(("jpeg", channels), (info.Format, info.Channels));
        Assert.Equal(new[] { 48, 64 }, info.Shape);
        var back = VolumeFile.Read<byte>(dir.File("a.jpg"));
        Assert.Equal(channels, back.Channels);
        double meanError = image.Data.Zip(back.Data, (a, b) => Math.Abs(a - b)).Average();
        Assert.InRange(meanError, 0, 2.0);
    }

    [Fact]
    public void TruncatedAndForeignFilesAreRefused()
    {
        using var dir = new TempDir();
        string path = dir.File("t.jpg");
        VolumeFile.Write(path, Smooth(3));
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 3)]);
        AssertMalformed(path, () => JpegFormat.Read(path));
        File.WriteAllBytes(path, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);
        AssertMalformed(path, () => VolumeFile.Read(path));
        AssertMalformed(path, () => VolumeFile.Write(path, new Volume<ushort>(1, 4, 4)), "uint8");
    }
}
