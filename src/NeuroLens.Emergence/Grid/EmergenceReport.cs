using NeuroLens.Core.Reports;
using NeuroLens.Emergence.Analysis;
using NeuroLens.Emergence.Sae;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Grid;

/// <summary>
/// The outputs of emergence.md §6 from a grid's cells: heatmaps of S_c (checkpoint × category per layer,
/// layer × category per model, size × category per layer), the emergence tables (s*_c, size
/// thresholds, reactivations, θ/τ sensitivity), the SAE quality table, and the report section.
/// </summary>
/// <remarks>
/// With several SAE seeds per cell every table and figure is computed on the mean S_c over seeds (<see cref="SeedAggregate"/>):
/// s*_c is the first checkpoint after which the mean stays ≥ θ. <c>scores.csv</c> gains the columns score_min, score_max
/// and seeds, <c>quality.csv</c> a seed column (one row per SAE), <c>emergence.csv</c> the per-seed final S_c range and s*_c;
/// <c>seeds.csv</c> lists every (cell, category, seed) S_c with that seed's own null; the report adds the agreement line
/// (<see cref="SeedAgreement"/>). Reactivation decoder cosines use seed 0's SAEs. With one seed the outputs are as before.
/// </remarks>
public static class EmergenceReport
{
    /// <summary>Analyses <paramref name="grid"/>, writes tables and figures into <paramref name="folder"/> and the section into <paramref name="report"/>.</summary>
    public static EmergenceSummary Write(EmergenceGridResult grid, EmergenceGridOptions options, string gridFolder, OutputFolder folder, Report report)
    {
        var categories = grid.Categories;
        double theta = options.Theta;
        int seedCount = grid.Seeds;
        bool multi = seedCount > 1;
        string[] scoreColumns = ["model", "step", "layer", "category", "score", "best_latent", "precision", "recall", "null_quantile", "p_value", "significant"];
        var scores = new CsvTable(multi ? [.. scoreColumns, "score_min", "score_max", "seeds"] : scoreColumns);
        string[] qualityColumns = ["tokens", "l0", "dead_fraction", "fvu", "explained_variance", "cosine", "ce_loss_recovered"];
        var quality = new CsvTable(multi ? ["model", "step", "layer", "seed", .. qualityColumns] : ["model", "step", "layer", .. qualityColumns]);
        var perSeed = new CsvTable("model", "step", "layer", "category", "seed", "sae_seed", "score", "best_latent", "precision", "recall", "null_quantile", "p_value", "significant");
        var ranges = new List<double>();
        foreach (var cell in grid.Cells.OrderBy(c => c.Model).ThenBy(c => c.Step).ThenBy(c => c.Layer))
        {
            var seeds = SeedsOf(grid, cell);
            for (int c = 0; c < cell.Scores.Count; c++)
            {
                var s = cell.Scores[c];
                if (!multi)
                {
                    scores.AddRow(cell.Model, cell.Step, cell.Layer, s.Category, s.Score, s.BestLatent, s.Precision, s.Recall, s.NullQuantile, s.PValue, s.Significant);
                    continue;
                }
                double min = seeds.Min(x => x.Scores[c].Score), max = seeds.Max(x => x.Scores[c].Score);
                ranges.Add(max - min);
                scores.AddRow(cell.Model, cell.Step, cell.Layer, s.Category, s.Score, s.BestLatent, s.Precision, s.Recall, s.NullQuantile, s.PValue, s.Significant,
                    min, max, seeds.Count);
                foreach (var seed in seeds)
                {
                    var t = seed.Scores[c];
                    perSeed.AddRow(cell.Model, cell.Step, cell.Layer, t.Category, seed.Seed, options.Sae.Seed + seed.Seed, t.Score, t.BestLatent, t.Precision, t.Recall,
                        t.NullQuantile, t.PValue, t.Significant);
                }
            }
            foreach (var seed in seeds)
            {
                var q = seed.Quality;
                if (multi) quality.AddRow(cell.Model, cell.Step, cell.Layer, seed.Seed, q.Tokens, q.L0, q.DeadFraction, q.Fvu, q.ExplainedVariance, q.Cosine, q.CeLossRecovered);
                else quality.AddRow(cell.Model, cell.Step, cell.Layer, q.Tokens, q.L0, q.DeadFraction, q.Fvu, q.ExplainedVariance, q.Cosine, q.CeLossRecovered);
            }
        }
        folder.WriteTable("scores.csv", scores);
        if (multi) folder.WriteTable("seeds.csv", perSeed);

        // Time: s*_c per (model, layer, category).
        var time = new List<TimeEmergence>();
        var sensitivity = new CsvTable("model", "layer", "category", "tau", "theta", "emergence_step");
        report.Heading("Emergence over training (time)", 3);
        foreach (var model in grid.Models)
            foreach (int layer in model.Layers)
            {
                var series = model.Steps.Select(step => grid.Cell(model.Name, step, layer)).ToList();
                if (series.Any(c => c is null)) continue;
                var matrix = new double[model.Steps.Count, categories.Count];
                for (int i = 0; i < series.Count; i++)
                    for (int c = 0; c < categories.Count; c++)
                        matrix[i, c] = series[i]!.Scores[c].Score;
                var figure = Plots.Heatmap(matrix, new PlotOptions { Title = $"S_c over training: {model.Name}, resid_post[{layer}]", XLabel = "category", YLabel = "checkpoint step", Width = 900, Height = 420 },
                    model.Steps.Select(s => s.ToString()).ToList(), categories, "S_c (max F1)");
                var file = $"time-{model.Name}-layer{layer}.png";
                folder.WriteFigure(file, figure);
                if (layer == model.Layers[^1]) report.Figure(figure, file, $"S_c per checkpoint and category for {model.Name} at resid_post[{layer}] (other layers: time-{model.Name}-layer*.png).");
                var last = series[^1]!;
                var seedSeries = multi
                    ? Enumerable.Range(0, seedCount).Select(i => model.Steps.Select(step => grid.SeedCell(model.Name, step, layer, i)).ToList()).ToList()
                    : null;
                bool seedsComplete = seedSeries is not null && seedSeries.All(x => x.All(c => c is not null));
                for (int c = 0; c < categories.Count; c++)
                {
                    var column = series.Select(x => x!.Scores[c].Score).ToList();
                    int? index = EmergenceAnalysis.EmergenceIndex(column, theta);
                    List<long?>? seedSteps = null;
                    List<double>? seedFinals = null;
                    if (seedsComplete)
                    {
                        int cc = c;
                        seedSteps = seedSeries!.Select(x => EmergenceAnalysis.EmergenceIndex(x.Select(y => y!.Scores[cc].Score).ToList(), theta) is int k ? model.Steps[k] : (long?)null).ToList();
                        seedFinals = seedSeries!.Select(x => x[^1]!.Scores[cc].Score).ToList();
                    }
                    time.Add(new TimeEmergence(model.Name, layer, categories[c], column[0], column[^1], index is int i ? model.Steps[i] : null,
                        last.Scores[c].Significant, last.Scores[c].PValue, last.Quality.Fvu, last.Quality.L0, seedSteps, seedFinals));
                    foreach (var tau in last.ScoresByTau.Keys)
                    {
                        var byTau = series.Select(x => x!.ScoresByTau.TryGetValue(tau, out var v) ? v[c] : double.NaN).ToList();
                        foreach (double th in options.SensitivityThetas)
                        {
                            int? idx = EmergenceAnalysis.EmergenceIndex(byTau, th);
                            sensitivity.AddRow(model.Name, layer, categories[c], tau, th, idx is int j ? model.Steps[j] : null);
                        }
                    }
                }
            }
        string[] timeColumns = ["model", "layer", "category", "score_step0", "score_final", "emergence_step", "significant_final", "p_value_final", "fvu_final", "l0_final"];
        var timeTable = new CsvTable(multi ? [.. timeColumns, "score_final_min", "score_final_max", "emergence_step_per_seed", "seeds_agree"] : timeColumns);
        foreach (var t in time)
        {
            if (!multi)
                timeTable.AddRow(t.Model, t.Layer, t.Category, t.ScoreStep0, t.ScoreFinal, t.EmergenceStep?.ToString() ?? "not emerged", t.SignificantFinal, t.PValueFinal, t.FvuFinal, t.L0Final);
            else
                timeTable.AddRow(t.Model, t.Layer, t.Category, t.ScoreStep0, t.ScoreFinal, t.EmergenceStep?.ToString() ?? "not emerged", t.SignificantFinal, t.PValueFinal, t.FvuFinal, t.L0Final,
                    t.SeedScoresFinal?.Min(), t.SeedScoresFinal?.Max(), StepsText(t.SeedEmergenceSteps), t.SeedsAgree);
        }
        folder.WriteTable("sensitivity.csv", sensitivity);
        string statistic = multi ? $" on the mean S_c over {seedCount} SAE seeds (per-seed s*_c in the last column; S_c of every seed in seeds.csv)" : "";
        report.Table(Highlights(time, multi), $"Emergence step s*_c (first checkpoint after which S_c ≥ θ = {theta} at every later checkpoint){statistic}, best layer per model and category; all rows in emergence.csv. FVU and L0 are the final SAE's{(multi ? " (means over seeds)" : "")}.",
            csvFileName: null);
        folder.WriteTable("emergence.csv", timeTable);
        SeedAgreement? agreement = null;
        if (multi)
        {
            var complete = time.Where(t => t.SeedEmergenceSteps is not null).ToList();
            var byCategory = complete.GroupBy(t => t.Category).ToList();
            var emergedSeries = complete.Where(t => t.EmergenceStep is not null).ToList();
            agreement = new SeedAgreement(seedCount, byCategory.Count, byCategory.Count(g => g.OrderByDescending(t => t.ScoreFinal).First().SeedsAgree),
                byCategory.Count(g => g.All(t => t.SeedsAgree)), complete.Count, complete.Count(t => t.SeedsAgree),
                emergedSeries.Count, emergedSeries.Count(t => t.SeedEmergenceSteps!.All(s => s == t.EmergenceStep)),
                ranges.Count == 0 ? double.NaN : ranges.Average(), ranges.Count == 0 ? double.NaN : ranges.Max());
            report.Paragraph(agreement.Describe());
        }

        // Space: layer × category at each model's last checkpoint, with reactivations.
        var reactivations = new List<ReactivationRow>();
        report.Heading("Across layers (space)", 3);
        foreach (var model in grid.Models)
        {
            long step = model.Steps[^1];
            var cells = model.Layers.Select(l => grid.Cell(model.Name, step, l)).ToList();
            if (cells.Any(c => c is null)) continue;
            var matrix = new double[cells.Count, categories.Count];
            for (int i = 0; i < cells.Count; i++)
                for (int c = 0; c < categories.Count; c++)
                    matrix[i, c] = cells[i]!.Scores[c].Score;
            var figure = Plots.Heatmap(matrix, new PlotOptions { Title = $"S_c per layer: {model.Name}, step {step}", XLabel = "category", YLabel = "layer", Width = 900, Height = 360 },
                model.Layers.Select(l => $"resid_post[{l}]").ToList(), categories, "S_c");
            folder.WriteFigure($"space-{model.Name}.png", figure);
            report.Figure(figure, $"space-{model.Name}.png", $"S_c per layer and category for {model.Name} at its last checkpoint.");
            for (int c = 0; c < categories.Count; c++)
            {
                int cc = c;
                var column = cells.Select(x => x!.Scores[cc].Score).ToList();
                foreach (var r in EmergenceAnalysis.Reactivations(column, theta, options.Delta,
                             (a, b) => DecoderCosine(gridFolder, model.Name, step, model.Layers[a], cells[a]!.Scores[cc].BestLatent, model.Layers[b], cells[b]!.Scores[cc].BestLatent)))
                    reactivations.Add(new ReactivationRow(model.Name, step, categories[c],
                        r with { Layer1 = model.Layers[r.Layer1], Layer2 = model.Layers[r.Layer2], Layer3 = model.Layers[r.Layer3] }));
            }
        }
        var reactivationTable = new CsvTable("model", "step", "category", "layer1", "layer2", "layer3", "score1", "score2", "score3", "decoder_cosine");
        foreach (var r in reactivations)
            reactivationTable.AddRow(r.Model, r.Step, r.Category, r.Reactivation.Layer1, r.Reactivation.Layer2, r.Reactivation.Layer3,
                r.Reactivation.Score1, r.Reactivation.Score2, r.Reactivation.Score3, r.Reactivation.DecoderCosine);
        folder.WriteTable("reactivations.csv", reactivationTable);
        report.Paragraph(reactivations.Count == 0
            ? $"No reactivation (S ≥ θ, then < θ − δ = {theta - options.Delta}, then ≥ θ again over depth) at the last checkpoints."
            : $"{reactivations.Count} reactivation(s) over depth; see reactivations.csv (decoder cosine of the matched latents at ℓ1 and ℓ3).");

        // Scale: size × category at the last checkpoints, per layer present in every model.
        var sizes = new List<SizeThreshold>();
        if (grid.Models.Count > 1)
        {
            report.Heading("Across model sizes (scale)", 3);
            var common = grid.Models.Select(m => (IEnumerable<int>)m.Layers).Aggregate((a, b) => a.Intersect(b)).OrderBy(l => l).ToList();
            foreach (int layer in common)
            {
                var cells = grid.Models.Select(m => grid.Cell(m.Name, m.Steps[^1], layer)).ToList();
                if (cells.Any(c => c is null)) continue;
                var matrix = new double[cells.Count, categories.Count];
                for (int i = 0; i < cells.Count; i++)
                    for (int c = 0; c < categories.Count; c++)
                        matrix[i, c] = cells[i]!.Scores[c].Score;
                var figure = Plots.Heatmap(matrix, new PlotOptions { Title = $"S_c per model size at resid_post[{layer}] (last checkpoints)", XLabel = "category", YLabel = "model", Width = 900, Height = 320 },
                    grid.Models.Select(m => $"{m.Name} ({m.Parameters / 1000}k)").ToList(), categories, "S_c");
                folder.WriteFigure($"scale-layer{layer}.png", figure);
                if (layer == common[^1]) report.Figure(figure, $"scale-layer{layer}.png", $"S_c per model size at resid_post[{layer}].");
                for (int c = 0; c < categories.Count; c++)
                {
                    var finals = cells.Select(x => x!.Scores[c].Score).ToList();
                    int? index = EmergenceAnalysis.SizeThresholdIndex(finals, theta);
                    sizes.Add(new SizeThreshold(layer, categories[c], index is int i ? grid.Models[i].Name : null, finals));
                }
            }
            var sizeTable = new CsvTable(new[] { "layer", "category", "smallest_model" }.Concat(grid.Models.Select(m => "score_" + m.Name)));
            foreach (var s in sizes) sizeTable.AddRow([s.Layer, s.Category, s.SmallestModel ?? "none", .. s.FinalScores.Cast<object?>()]);
            folder.WriteTable("size-thresholds.csv", sizeTable);
            report.Paragraph($"Size thresholds (smallest model with S_c ≥ θ at its last checkpoint) per layer and category: size-thresholds.csv.");
        }

        report.Heading("SAE quality", 3);
        report.Table(quality, (multi ? "Every cell's SAE (each seed) on held-out tokens:" : "Every cell's SAE on held-out tokens:") + " L0, dead fraction, mean-centred FVU, explained variance, cosine, CE loss recovered (causal models).",
            maxRows: 30, csvFileName: "quality.csv");
        folder.WriteTable("quality.csv", quality);

        var emerged = time.Where(t => t.EmergedSignificantly).Select(t => t.Category).Distinct().ToList();
        return new EmergenceSummary(grid.Cells.Count, grid.CellsRun, theta, time, sizes, reactivations, emerged, agreement);
    }

    /// <summary>The seeds' results of <paramref name="cell"/> in seed order (the cell itself with one seed).</summary>
    private static List<CellResult> SeedsOf(EmergenceGridResult grid, CellResult cell) =>
        grid.Seeds == 1 ? [cell] : grid.SeedCells.Where(c => c.Model == cell.Model && c.Step == cell.Step && c.Layer == cell.Layer).OrderBy(c => c.Seed).ToList();

    private static string StepsText(IReadOnlyList<long?>? steps) =>
        steps is null ? "" : string.Join(";", steps.Select(s => s?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"));

    private static CsvTable Highlights(List<TimeEmergence> time, bool multi)
    {
        string[] columns = ["model", "category", "best_layer", "score_step0", "score_final", "emergence_step", "significant", "fvu", "l0"];
        var table = new CsvTable(multi ? [.. columns, "score_final_min", "score_final_max", "emergence_step_per_seed"] : columns);
        foreach (var group in time.GroupBy(t => (t.Model, t.Category)))
        {
            var best = group.OrderByDescending(t => t.ScoreFinal).First();
            if (!multi)
                table.AddRow(best.Model, best.Category, best.Layer, best.ScoreStep0, best.ScoreFinal, best.EmergenceStep?.ToString() ?? "not emerged",
                    best.SignificantFinal, best.FvuFinal, best.L0Final);
            else
                table.AddRow(best.Model, best.Category, best.Layer, best.ScoreStep0, best.ScoreFinal, best.EmergenceStep?.ToString() ?? "not emerged",
                    best.SignificantFinal, best.FvuFinal, best.L0Final, best.SeedScoresFinal?.Min(), best.SeedScoresFinal?.Max(), StepsText(best.SeedEmergenceSteps));
        }
        return table;
    }

    /// <summary>Cosine between the decoder directions of latent <paramref name="latentA"/> at one layer and <paramref name="latentB"/> at another (NaN when either is -1).</summary>
    public static double DecoderCosine(string gridFolder, string model, long step, int layerA, int latentA, int layerB, int latentB)
    {
        if (latentA < 0 || latentB < 0) return double.NaN;
        var (a, _) = SaeFiles.Read(Path.Combine(EmergenceGrid.CellFolder(gridFolder, model, step, layerA), "sae"));
        var (b, _) = SaeFiles.Read(Path.Combine(EmergenceGrid.CellFolder(gridFolder, model, step, layerB), "sae"));
        using (a)
        using (b)
        using (var scope = NewDisposeScope())
            return nn.functional.cosine_similarity(a.WDec.detach()[latentA].unsqueeze(0), b.WDec.detach()[latentB].unsqueeze(0), 1, 1e-12).item<float>();
    }
}
