using NeuroLens.Core;

namespace NeuroLens.Entanglement.Neurons;

/// <summary>
/// Per-neuron disentanglement (entanglement.md §6): the 1-Wasserstein distance between a neuron's
/// output distribution in a modified model and in the dense model over the same tokens, both
/// standardised with the dense mean and std — (1/N) Σ |a_(i) − b_(i)| for two equal-size samples.
/// </summary>
public static class OutputDrift
{
    /// <summary>W1((sparse − μ)/σ, (dense − μ)/σ), μ and σ (population) of <paramref name="dense"/>; NaN if σ = 0.</summary>
    public static double Wasserstein(IReadOnlyList<double> sparse, IReadOnlyList<double> dense)
    {
        if (sparse.Count != dense.Count || dense.Count == 0)
            throw new NeuroLensException($"OutputDrift: both samples need the same non-zero size, got {sparse.Count} and {dense.Count}");
        double mean = dense.Average();
        double std = Math.Sqrt(dense.Select(v => (v - mean) * (v - mean)).Average());
        if (std == 0) return double.NaN;
        var a = sparse.Order().ToArray();
        var b = dense.Order().ToArray();
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += Math.Abs(a[i] - b[i]);
        return sum / a.Length / std;
    }
}
