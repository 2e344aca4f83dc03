using BenchmarkDotNet.Attributes;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Metrics;

namespace NeuroLens.Benchmarks;

/// <summary>VI of a Voronoi truth (4913 segments) against a Voronoi segmentation (5832 segments), contingency table included.</summary>
[MemoryDiagnoser]
[Config(typeof(InProcessConfig))]
public class VariationOfInformationBenchmarks
{
    private Volume<ulong> _segmentation = null!;
    private Volume<ulong> _truth = null!;

    /// <summary>Edge length of the cubic volume.</summary>
    [Params(256, 512)]
    public int Size { get; set; }

    /// <summary>Builds the label pair.</summary>
    [GlobalSetup]
    public void Setup() => (_segmentation, _truth) = SyntheticLabels.ViPair(Size);

    /// <summary>VI with all processors.</summary>
    [Benchmark]
    public double Parallel() => VariationOfInformation.Of(_segmentation, _truth, IgnoreZero.InTruth).Total;

    /// <summary>VI on one thread.</summary>
    [Benchmark]
    public double SingleThread() => VariationOfInformation.Of(_segmentation, _truth, IgnoreZero.InTruth, threads: 1).Total;
}
