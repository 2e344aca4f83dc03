namespace NeuroLens.Emergence.Grid;

/// <summary>
/// One row of the time-emergence table: a category at one (model, layer). With several SAE seeds the scores,
/// significance and quality are those of the mean over seeds (<see cref="SeedAggregate"/>), and s*_c is computed on
/// the mean S_c; the per-seed s*_c and final S_c come alongside.
/// </summary>
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
/// <param name="SeedEmergenceSteps">With several SAE seeds: s*_c computed on each seed's own S_c series (null: not emerged), seed index order; else null.</param>
/// <param name="SeedScoresFinal">With several SAE seeds: each seed's S_c at the last checkpoint; else null.</param>
public sealed record TimeEmergence(string Model, int Layer, string Category, double ScoreStep0, double ScoreFinal, long? EmergenceStep,
    bool SignificantFinal, double PValueFinal, double FvuFinal, double L0Final, IReadOnlyList<long?>? SeedEmergenceSteps = null,
    IReadOnlyList<double>? SeedScoresFinal = null)
{
    /// <summary>Whether every seed gives the same s*_c (including "not emerged" for all); true with one seed.</summary>
    public bool SeedsAgree => SeedEmergenceSteps is null || SeedEmergenceSteps.All(s => s == SeedEmergenceSteps[0]);

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
/// <param name="SeedAgreement">With several SAE seeds, how far the per-seed s*_c agree; else null.</param>
public sealed record EmergenceSummary(int Cells, int CellsRun, double Theta, IReadOnlyList<TimeEmergence> Time,
    IReadOnlyList<SizeThreshold> SizeThresholds, IReadOnlyList<ReactivationRow> Reactivations, IReadOnlyList<string> EmergedCategories,
    SeedAgreement? SeedAgreement = null);

/// <summary>Agreement of the emergence step s*_c across the SAE seeds of a grid (the "several SAE seeds" control).</summary>
/// <param name="Seeds">SAE seeds per cell.</param>
/// <param name="Categories">Categories.</param>
/// <param name="BestCellCategoriesAgreeing">Categories whose per-seed s*_c agree at their best (model, layer): the one with the largest mean S_c at the last checkpoint.</param>
/// <param name="CategoriesAgreeing">Categories whose per-seed s*_c agree in every (model, layer).</param>
/// <param name="Series">(model, layer, category) series.</param>
/// <param name="SeriesAgreeing">Series whose per-seed s*_c are all equal (including all "not emerged").</param>
/// <param name="EmergedSeries">Series where s*_c of the mean S_c exists.</param>
/// <param name="EmergedSeriesAgreeing">Of those, the series whose per-seed s*_c all equal it.</param>
/// <param name="MeanScoreRange">Mean over (cell, category) of max − min S_c across seeds.</param>
/// <param name="MaxScoreRange">Largest max − min S_c across seeds over (cell, category).</param>
public sealed record SeedAgreement(int Seeds, int Categories, int BestCellCategoriesAgreeing, int CategoriesAgreeing, int Series, int SeriesAgreeing, int EmergedSeries,
    int EmergedSeriesAgreeing, double MeanScoreRange, double MaxScoreRange)
{
    /// <summary>The one-line summary of the report.</summary>
    public string Describe() =>
        $"s*_c agrees across the {Seeds} SAE seeds for {BestCellCategoriesAgreeing} of {Categories} categories at their best cell (largest mean final S_c), " +
        $"{CategoriesAgreeing} of {Categories} in every model and layer; " +
        $"in {SeriesAgreeing} of {Series} (model, layer, category) series, {EmergedSeriesAgreeing} of the {EmergedSeries} where the mean S_c emerged. " +
        $"S_c spread across seeds (max − min per cell and category): mean {MeanScoreRange:F3}, largest {MaxScoreRange:F3}.";
}

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
