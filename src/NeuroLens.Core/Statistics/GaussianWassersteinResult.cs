namespace NeuroLens.Core.Statistics;

/// <summary>Per-column output of <see cref="GaussianWasserstein"/>.</summary>
/// <param name="Distances">W1 of each standardised column to N(0,1); NaN for constant or non-finite columns.</param>
/// <param name="Means">Column means.</param>
/// <param name="StandardDeviations">Population standard deviations (divisor N).</param>
/// <param name="ConstantColumns">Indices of columns with standard deviation 0 (WD undefined, NaN).</param>
/// <param name="NonFiniteColumns">Indices of columns holding NaN or ±∞ (WD NaN).</param>
/// <param name="Reference">The reference used.</param>
public sealed record GaussianWassersteinResult(
    double[] Distances,
    double[] Means,
    double[] StandardDeviations,
    int[] ConstantColumns,
    int[] NonFiniteColumns,
    GaussianReference Reference);
