namespace NeuroLens.Emergence.Grid;

/// <summary>One row of the time-emergence table: a category at one (model, layer).</summary>
/// <param name="Model">Model name.</param>
/// <param name="Layer">Layer ℓ.</param>
/// <param name="Category">Category.</param>
/// <param name="ScoreStep0">S_c at the first checkpoint (step 0: the initialisation when present).</param>
/// <param name="ScoreFinal">S_c at the last checkpoint.</param>
/// <param name="EmergenceStep">s*_c, or null when not emerged.</param>
/// <param name="SignificantFinal">Whether S_c at the last checkpoint exceeds its shuffled-label null quantile.</param>
/// <param name="PValueFinal">Its p-value.</param>
/// <param name="FvuFinal">The SAE's FVU at the last checkpoint (quality next to the result).</param>
/// <param name="L0Final">The SAE's L0 at the last checkpoint.</param>
public sealed record TimeEmergence(string Model, int Layer, string Category, double ScoreStep0, double ScoreFinal, long? EmergenceStep,
    bool SignificantFinal, double PValueFinal, double FvuFinal, double L0Final)
{
    /// <summary>Rises from the step-0 level to ≥ θ (emerged) and is significant at the end.</summary>
    public bool EmergedSignificantly => EmergenceStep is not null && EmergenceStep > 0 && SignificantFinal;
}

/// <summary>The machine-readable summary of an emergence run.</summary>
/// <param name="Cells">Cells in the grid.</param>
/// <param name="CellsRun">Cells computed by this run.</param>
/// <param name="Theta">θ.</param>
/// <param name="Time">The time-emergence rows.</param>
/// <param name="SizeThresholds">Per (layer, category): the smallest model with S_c ≥ θ at its final checkpoint, or null.</param>
/// <param name="Reactivations">Reactivations found at final checkpoints.</param>
/// <param name="EmergedCategories">Categories that rose from the step-0 level to ≥ θ and are significant at the end, in some (model, layer).</param>
public sealed record EmergenceSummary(int Cells, int CellsRun, double Theta, IReadOnlyList<TimeEmergence> Time,
    IReadOnlyList<SizeThreshold> SizeThresholds, IReadOnlyList<ReactivationRow> Reactivations, IReadOnlyList<string> EmergedCategories);

/// <summary>The scale threshold of a category at a layer.</summary>
/// <param name="Layer">Layer ℓ.</param>
/// <param name="Category">Category.</param>
/// <param name="SmallestModel">The smallest model with S_c ≥ θ at its last checkpoint, or null.</param>
/// <param name="FinalScores">S_c at the last checkpoint of each model, smallest model first.</param>
public sealed record SizeThreshold(int Layer, string Category, string? SmallestModel, IReadOnlyList<double> FinalScores);

/// <summary>A reactivation of a category across layers at a model's last checkpoint.</summary>
/// <param name="Model">Model.</param>
/// <param name="Step">Checkpoint.</param>
/// <param name="Category">Category.</param>
/// <param name="Reactivation">The layers, scores and decoder cosine.</param>
public sealed record ReactivationRow(string Model, long Step, string Category, Analysis.Reactivation Reactivation);
