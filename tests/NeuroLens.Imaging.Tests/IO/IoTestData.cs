using System.Runtime.InteropServices;
using NeuroLens.Imaging.IO;

namespace NeuroLens.Imaging.Tests.IO;

/// <summary>A temporary folder, removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "neurolens-io-" + Guid.NewGuid().ToString("N"));
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() { if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true); }
}

internal static class IoTestData
{
    /// <summary>A volume of random bytes (every bit pattern, so a byte-order or layout slip shows).</summary>
    public static Volume<T> Random<T>(int depth, int height, int width, int channels = 1, int seed = 1, int? dimensions = null) where T : unmanaged
    {
        var v = new Volume<T>(depth, height, width, channels, dimensions);
        new Random(seed).NextBytes(MemoryMarshal.AsBytes(v.Data.AsSpan()));
        return v;
    }

    /// <summary>Random finite floats (NaN payloads are not what these tests are about).</summary>
    public static Volume<float> RandomFloat(int depth, int height, int width, int channels = 1, int seed = 1)
    {
        var v = new Volume<float>(depth, height, width, channels);
        var rng = new Random(seed);
        for (int i = 0; i < v.Data.Length; i++) v.Data[i] = (float)(rng.NextDouble() * 2000 - 1000);
        return v;
    }

    public static void AssertSameVoxels(AnyVolume expected, AnyVolume actual)
    {
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal((expected.Channels, expected.Depth, expected.Height, expected.Width, expected.Dimensions),
                     (actual.Channels, actual.Depth, actual.Height, actual.Width, actual.Dimensions));
        Assert.True(VoxelBytes(expected).SequenceEqual(VoxelBytes(actual)), "voxel bytes differ");
    }

    public static void AssertSameVoxels<T>(Volume<T> expected, AnyVolume actual) where T : unmanaged =>
        AssertSameVoxels(AnyVolume.From(expected), actual);

    public static byte[] VoxelBytes(AnyVolume v) => v.Volume switch
    {
        Volume<byte> a => a.Data.ToArray(),
        Volume<sbyte> a => MemoryMarshal.AsBytes(a.Data.AsSpan()).ToArray(),
        Volume<ushort> a => MemoryMarshal.AsBytes(a.Data.AsSpan()).ToArray(),
        Volume<short> a => MemoryMarshal.AsBytes(a.Data.AsSpan()).ToArray(),
        Volume<uint> a => MemoryMarshal.AsBytes(a.Data.AsSpan()).ToArray(),
        Volume<int> a => MemoryMarshal.AsBytes(a.Data.AsSpan()).ToArray(),
        Volume<ulong> a => MemoryMarshal.AsBytes(a.Data.AsSpan()).ToArray(),
        Volume<long> a => MemoryMarshal.AsBytes(a.Data.AsSpan()).ToArray(),
        Volume<float> a => MemoryMarshal.AsBytes(a.Data.AsSpan()).ToArray(),
        Volume<double> a => MemoryMarshal.AsBytes(a.Data.AsSpan()).ToArray(),
        _ => throw new ArgumentException("unknown volume type"),
    };

    /// <summary>A random volume of the given run-time type.</summary>
    public static AnyVolume RandomOf(VoxelType type, int depth, int height, int width, int channels = 1, int seed = 1, int? dimensions = null) => type switch
    {
        VoxelType.UInt8 => AnyVolume.From(Random<byte>(depth, height, width, channels, seed, dimensions)),
        VoxelType.Int8 => AnyVolume.From(Random<sbyte>(depth, height, width, channels, seed, dimensions)),
        VoxelType.UInt16 => AnyVolume.From(Random<ushort>(depth, height, width, channels, seed, dimensions)),
        VoxelType.Int16 => AnyVolume.From(Random<short>(depth, height, width, channels, seed, dimensions)),
        VoxelType.UInt32 => AnyVolume.From(Random<uint>(depth, height, width, channels, seed, dimensions)),
        VoxelType.Int32 => AnyVolume.From(Random<int>(depth, height, width, channels, seed, dimensions)),
        VoxelType.UInt64 => AnyVolume.From(Random<ulong>(depth, height, width, channels, seed, dimensions)),
        VoxelType.Int64 => AnyVolume.From(Random<long>(depth, height, width, channels, seed, dimensions)),
        VoxelType.Float32 => AnyVolume.From(Random<float>(depth, height, width, channels, seed, dimensions)),
        _ => AnyVolume.From(Random<double>(depth, height, width, channels, seed, dimensions)),
    };

    /// <summary>The shared sample data folder (<c>../shared/data</c> of the repository), or null when absent.</summary>
    public static string? SharedData()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Asserts a one-line <see cref="VolumeFileException"/> naming the file.</summary>
    public static VolumeFileException AssertMalformed(string path, Action action, string? mentions = null)
    {
        var e = Assert.Throws<VolumeFileException>(action);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains(System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(path)), e.Message);
        if (mentions is not null) Assert.Contains(mentions, e.Message, StringComparison.OrdinalIgnoreCase);
        return e;
    }
}
