using System.Buffers.Binary;
using NeuroLens.Imaging.IO;
using static NeuroLens.Imaging.Tests.IO.IoTestData;

namespace NeuroLens.Imaging.Tests.IO;

/// <summary>Mutated files: each read either succeeds or fails with a one-line <see cref="VolumeFileException"/>, never anything else.</summary>
public class FuzzTests
{
    private static void ReadMustFailCleanlyOrSucceed(string path)
    {
        try { VolumeFile.Read(path); }
        catch (VolumeFileException e) { Assert.DoesNotContain('\n', e.Message); }
    }

    [Fact]
    public void MutatedPngsWithRepairedCrcs()
    {
        using var dir = new TempDir();
        string path = dir.File("f.png");
        PngFormat.Write(path, AnyVolume.From(Random<ushort>(1, 12, 9, channels: 3)));
        byte[] original = File.ReadAllBytes(path);
        var rng = new Random(11);
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            for (int k = 0, flips = 1 + rng.Next(4); k < flips; k++) bytes[8 + rng.Next(bytes.Length - 8)] = (byte)rng.Next(256);
            // Repair every CRC so the mutation reaches the header, zlib and filter checks.
            for (int pos = 8; pos + 12 <= bytes.Length;)
            {
                uint length = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(pos));
                if (length > bytes.Length - pos - 12) break;
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(pos + 8 + (int)length), PngFormat.Crc32(bytes.AsSpan(pos + 4, 4 + (int)length)));
                pos += 12 + (int)length;
            }
            File.WriteAllBytes(path, trial % 5 == 0 ? bytes[..rng.Next(bytes.Length)] : bytes);
            ReadMustFailCleanlyOrSucceed(path);
        }
    }

    [Fact]
    public void MutatedTiffs()
    {
        using var dir = new TempDir();
        string path = dir.File("f.tif");
        VolumeFile.Write(path, Random<ushort>(3, 10, 12, channels: 2));
        byte[] original = File.ReadAllBytes(path);
        var rng = new Random(12);
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            for (int k = 0, flips = 1 + rng.Next(4); k < flips; k++) bytes[4 + rng.Next(bytes.Length - 4)] = (byte)rng.Next(256);
            File.WriteAllBytes(path, trial % 5 == 0 ? bytes[..(8 + rng.Next(bytes.Length - 8))] : bytes);
            ReadMustFailCleanlyOrSucceed(path);
        }
    }

    [Fact]
    public void MutatedZarrChunksAndMetadata()
    {
        using var dir = new TempDir();
        string path = dir.File("f.zarr");
        var volume = Random<uint>(3, 8, 8);
        var rng = new Random(13);
        for (int trial = 0; trial < 200; trial++)
        {
            ZarrArray.Write(path, AnyVolume.From(volume), new VolumeWriteOptions { ZarrChunks = [2, 4, 4], ZarrCompressor = trial % 2 == 0 ? "zlib" : "gzip" });
            string victim = Path.Combine(path, trial % 4 == 0 ? ".zarray" : "1.1.0");
            byte[] bytes = File.ReadAllBytes(victim);
            for (int k = 0, flips = 1 + rng.Next(3); k < flips; k++) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            File.WriteAllBytes(victim, bytes);
            ReadMustFailCleanlyOrSucceed(path);
        }
    }

    [Fact]
    public void MutatedHdf5Files()
    {
        using var dir = new TempDir();
        string path = dir.File("f.h5");
        var raw = Random<byte>(2, 16, 16);
        raw.VoxelSize = [40, 4, 4];
        Hdf5Format.WriteCremi(path, raw, Random<ulong>(2, 16, 16));
        byte[] original = File.ReadAllBytes(path);
        var rng = new Random(14);
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            for (int k = 0, flips = 1 + rng.Next(4); k < flips; k++) bytes[8 + rng.Next(bytes.Length - 8)] = (byte)rng.Next(256);
            File.WriteAllBytes(path, trial % 5 == 0 ? bytes[..(8 + rng.Next(bytes.Length - 8))] : bytes);
            ReadMustFailCleanlyOrSucceed(path);
        }
    }

    [Theory]
    [InlineData("f.npy")]
    [InlineData("f.npz")]
    public void MutatedNumpyFiles(string name)
    {
        using var dir = new TempDir();
        string path = dir.File(name);
        VolumeFile.Write(path, Random<short>(2, 6, 5, channels: 2));
        byte[] original = File.ReadAllBytes(path);
        var rng = new Random(15);
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            // .npy: mostly the header (magic kept), where the parser is; .npz: anywhere in the zip.
            int span = name.EndsWith(".npy", StringComparison.Ordinal) && trial % 3 != 0 ? 128 : bytes.Length;
            for (int k = 0, flips = 1 + rng.Next(4); k < flips; k++) bytes[6 + rng.Next(span - 6)] = (byte)rng.Next(256);
            File.WriteAllBytes(path, trial % 5 == 0 ? bytes[..(6 + rng.Next(bytes.Length - 6))] : bytes);
            ReadMustFailCleanlyOrSucceed(path);
        }
    }
}
