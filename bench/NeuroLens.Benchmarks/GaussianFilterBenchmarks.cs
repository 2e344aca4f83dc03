using BenchmarkDotNet.Attributes;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Filters;

namespace NeuroLens.Benchmarks;

/// <summary>
/// Gaussian smoothing (σ = 2, truncated at 4σ: 17 taps per axis) of a 2048² image and a 256³ volume.
/// Throughput in megavoxels/s is <c>VoxelCount / mean time</c>: 4.19 Mvox for the image, 16.8 Mvox for
/// the volume.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessConfig))]
public class GaussianFilterBenchmarks
{
    private Volume<float> _image = null!;
    private Volume<float> _volume = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(0);
        _image = new Volume<float>(1, 2048, 2048);
        _volume = new Volume<float>(256, 256, 256, 1, 3);
        for (int i = 0; i < _image.Data.Length; i++) _image.Data[i] = (float)rng.NextDouble();
        for (int i = 0; i < _volume.Data.Length; i++) _volume.Data[i] = (float)rng.NextDouble();
    }

    /// <summary>2048 × 2048 float32 image, σ = 2.</summary>
    [Benchmark]
    public Volume<float> Image2048() => GaussianFilter.Smooth(_image, 2.0);

    /// <summary>256 × 256 × 256 float32 volume, σ = 2.</summary>
    [Benchmark]
    public Volume<float> Volume256() => GaussianFilter.Smooth(_volume, 2.0);
}
