using BenchmarkDotNet.Attributes;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Segmentation;

namespace NeuroLens.Benchmarks;

/// <summary>Seeded watershed on a noisy boundary map, one seed per cell (2D: 30² cells in 512²; 3D: 17³ cells in 256³).</summary>
[MemoryDiagnoser]
[Config(typeof(InProcessConfig))]
public class WatershedBenchmarks
{
    private Volume<float> _heights = null!;
    private Volume<float> _quantised = null!;
    private Volume<ulong> _seeds = null!;

    /// <summary>"512x512" or "256x256x256".</summary>
    [Params("512x512", "256x256x256")]
    public string Shape { get; set; } = "";

    /// <summary>Builds heights and seeds.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_heights, _seeds) = Data(Shape);
        // As a uint8 probability map stores it: 256 levels, so the hierarchical queue floods it.
        _quantised = new Volume<float>(_heights.Data.Select(h => MathF.Round(h * 255) / 255).ToArray(), _heights.Depth, _heights.Height, _heights.Width, 1, _heights.Dimensions);
    }

    private static (Volume<float> Heights, Volume<ulong> Seeds) Data(string shape)
    {
        var labels = shape == "512x512"
            ? SyntheticLabels.Voronoi(1, 512, 30, 3, out var points)
            : SyntheticLabels.Voronoi(256, 256, 17, 3, out points);
        return (SyntheticLabels.Boundaries(labels, 4), SyntheticLabels.Seeds(labels, points));
    }

    /// <summary>Writes each shape's heights (float32) and seeds (uint64), raw little-endian C order, to DIR/ws_{heights,seeds}_SHAPE.</summary>
    public static void Dump(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var shape in new[] { "512x512", "256x256x256" })
        {
            var (heights, seeds) = Data(shape);
            File.WriteAllBytes(Path.Combine(directory, $"ws_heights_{shape}.f32"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(heights.Data.AsSpan()).ToArray());
            File.WriteAllBytes(Path.Combine(directory, $"ws_seeds_{shape}.u64"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(seeds.Data.AsSpan()).ToArray());
        }
    }

    /// <summary>Face connectivity, no lines.</summary>
    [Benchmark]
    public Volume<ulong> Faces() => Watershed.Run(_heights, _seeds, null, Connectivity.Faces);

    /// <summary>Face connectivity on the heights quantised to 256 levels (hierarchical queue).</summary>
    [Benchmark]
    public Volume<ulong> FacesQuantised() => Watershed.Run(_quantised, _seeds, null, Connectivity.Faces);

    /// <summary>Full connectivity, no lines.</summary>
    [Benchmark]
    public Volume<ulong> Full() => Watershed.Run(_heights, _seeds, null, Connectivity.Full);
}
