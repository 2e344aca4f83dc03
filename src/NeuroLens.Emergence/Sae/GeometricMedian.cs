using NeuroLens.Core.Runtime;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Sae;

/// <summary>The geometric median of points, argmin_m Σ_i ‖x_i − m‖, by Weiszfeld's iteration.</summary>
public static class GeometricMedian
{
    /// <summary>
    /// Weiszfeld's fixed-point iteration m ← Σ w_i x_i / Σ w_i with w_i = 1 / max(‖x_i − m‖, ε), started at
    /// the mean, until the step is below <paramref name="tolerance"/> times the spread or after
    /// <paramref name="maxIterations"/>.
    /// </summary>
    /// <param name="points">[N, d].</param>
    /// <param name="maxIterations">Iteration cap.</param>
    /// <param name="tolerance">Relative stopping tolerance.</param>
    /// <returns>[d].</returns>
    public static Tensor Compute(Tensor points, int maxIterations = 100, double tolerance = 1e-6)
    {
        using var scope = NewDisposeScope();
        var x = points.to_type(ScalarType.Float64);
        var median = x.mean([0]);
        double spread = x.sub(median).norm(1).mean().item<double>();
        for (int i = 0; i < maxIterations; i++)
        {
            var distances = x.sub(median).norm(1).clamp_min(TorchScalars.Of(1e-12));
            var weights = distances.reciprocal();
            var next = weights.unsqueeze(1).mul(x).sum(dim: 0).div(weights.sum());
            double step = next.sub(median).norm().item<double>();
            median = next;
            if (step <= tolerance * Math.Max(spread, 1e-12)) break;
        }
        return median.to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
