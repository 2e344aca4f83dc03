using BenchmarkDotNet.Attributes;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Segmentation;

namespace NeuroLens.Benchmarks;

/// <summary>Seeded watershed on a noisy boundary map, one seed per cell (2D: 30² cells in 512²; 3D: 17³ cells in 256³).</summary>
[MemoryDiagnoser]
public class WatershedBenchmarks
{
    private Volume<float> _heights = null!;
    private Volume<ulong> _seeds = null!;

    /// <summary>"512x512" or "256x256x256".</summary>
    [Params("512x512", "256x256x256")]
    public string Shape { get; set; } = "";

    /// <summary>Builds heights and seeds.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var labels = Shape == "512x512"
            ? SyntheticLabels.Voronoi(1, 512, 30, 3, out var points)
            : SyntheticLabels.Voronoi(256, 256, 17, 3, out points);
        _heights = SyntheticLabels.Boundaries(labels, 4);
        _seeds = SyntheticLabels.Seeds(labels, points);
    }

    /// <summary>Face connectivity, no lines.</summary>
    [Benchmark]
    public Volume<ulong> Faces() => Watershed.Run(_heights, _seeds, null, Connectivity.Faces);

    /// <summary>Full connectivity, no lines.</summary>
    [Benchmark]
    public Volume<ulong> Full() => Watershed.Run(_heights, _seeds, null, Connectivity.Full);
}
