using NeuroLens.Core.Statistics;

namespace NeuroLens.Entanglement.Neurons;

/// <summary>Settings of <see cref="EntanglementAnalysis"/> (entanglement.md §1–3).</summary>
public sealed record EntanglementOptions
{
    /// <summary>Module-name globs of the layers to analyse; empty = the first FFN group of every block.</summary>
    public IReadOnlyList<string> Layers { get; init; } = [];

    /// <summary>p: the top (and bottom, random) p percent of neurons per layer. Default 1.</summary>
    public double TopPercent { get; init; } = 1.0;

    /// <summary>P: token pairs for mapping difficulty. Default 50,000 (capped at tokens/2).</summary>
    public int Pairs { get; init; } = 50_000;

    /// <summary>WD reference: midpoint quantiles (default) or the paper's seeded sample.</summary>
    public GaussianReference Reference { get; init; } = GaussianReference.Quantile;

    /// <summary>Seed of the reference sample, the MD pairs and the random neuron sets. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Standardised outputs of this many top neurons per layer are kept for plots. Default 4.</summary>
    public int KeepTopOutputs { get; init; } = 4;
}
