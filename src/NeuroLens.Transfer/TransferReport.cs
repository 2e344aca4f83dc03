using System.Globalization;
using NeuroLens.Core.Reports;

namespace NeuroLens.Transfer;

/// <summary>The tables, figures and report section of a <see cref="TransferStudyResult"/>.</summary>
public static class TransferReport
{
    /// <summary>
    /// Writes the CSVs and figures into <paramref name="folder"/> (files prefixed <c>transfer-</c>),
    /// appends the section body to <paramref name="report"/> and returns the summary for results.json.
    /// </summary>
    public static object Write(TransferStudyResult result, TransferStudyOptions options, DomainSizes sizes, OutputFolder folder, Report report)
    {
        var names = result.Domains;
        int count = names.Count;
        string comparison = SelectionStrategies.Name(options.ComparisonStrategy);

        report.Paragraph(
            $"Protocol (transfer.md §4–§6) on {count} synthetic EM presets ({string.Join(", ", names)}), each in turn the target " +
            $"with the others as candidate sources. Per domain: {sizes.Train} pool/training, {sizes.Validation} validation and {sizes.Test} " +
            $"test patches of {sizes.PatchSize}² pixels. Source models: 2D U-Nets of depth {options.Network.Depth} and base width " +
            $"{options.Network.BaseWidth}, {options.SourceTraining.Steps} Adam steps (BCE + Dice, flips and rotations) on boundary targets; " +
            "the instance extraction threshold (boundary map → distance-transform seeds → watershed) is tuned on each source's own " +
            "validation patches only. VI is the mean over held-out target patches of split H(S|T) + merge H(T|S) in bits (log base 2), " +
            $"ignore option {options.Ignore} (synthetic labels have no 0, so nothing is left out).");
        report.Paragraph(
            "MMD² (unbiased U-statistic, Gaussian RBF kernel, median-heuristic bandwidth over the pooled sample) compares the global " +
            "max-pooled bottleneck features of the target pool with those of the source's validation patches, both computed by that " +
            $"source's model: row = source model, column = target. p-values: {options.Permutations} permutations, " +
            "p = (1 + #{T_perm ≥ T_obs}) / (1 + P). The measured transfer of a source is the target VI after fine-tuning it on " +
            $"{Math.Min(options.MatrixCount, sizes.Train)} random annotated target patches ({options.FineTuning.Steps} steps, mean of {options.MatrixSeeds} seeds).");

        var mmdTable = new CsvTable(["source \\ target", .. names]);
        var pTable = new CsvTable(["source \\ target", .. names]);
        var viTable = new CsvTable(["source \\ target", .. names]);
        for (int s = 0; s < count; s++)
        {
            mmdTable.AddRow([names[s], .. Enumerable.Range(0, count).Select(t => (object?)result.Mmd2[s, t])]);
            pTable.AddRow([names[s], .. Enumerable.Range(0, count).Select(t => (object?)result.PValues[s, t])]);
            viTable.AddRow([names[s], .. Enumerable.Range(0, count).Select(t => (object?)result.TransferVi[s, t])]);
        }
        folder.WriteTable("transfer-mmd2.csv", mmdTable);
        folder.WriteTable("transfer-mmd2-pvalues.csv", pTable);
        folder.WriteTable("transfer-matrix-vi.csv", viTable);
        report.Heading("Domain distances", 3);
        report.Figure(Plots.Heatmap(result.Mmd2, new PlotOptions { Title = "MMD² in each source model's feature space", XLabel = "target", YLabel = "source model" },
            names, names, "MMD²"), "transfer-mmd2.png", "MMD² between each target's pool and each source's validation patches (row: source model).");
        report.Table(mmdTable, "MMD² [source, target]", csvFileName: "transfer-mmd2.csv");
        report.Table(pTable, "Permutation p-values of the MMD²", csvFileName: "transfer-mmd2-pvalues.csv");
        if (result.Mantel is var (r, p))
            report.Paragraph($"Mantel test of the symmetrised MMD² matrix against the presets' parameter distance (EmPresets.ParameterDistance): " +
                             $"r = {F(r)}, one-sided p = {F(p)} ({options.Permutations} permutations; with {count} domains only {Factorial(count)} distinct relabellings exist).");

        report.Heading("MMD ranking against measured transfer", 3);
        var rankTable = new CsvTable("target", "mmd_ranking", "mmd2", "p_values", "measured_vi", "spearman", "mmd_choice", "measured_best");
        foreach (var k in result.Rankings)
            rankTable.AddRow(k.Target, string.Join(" < ", k.Sources), string.Join("; ", k.Mmd2.Select(F)), string.Join("; ", k.PValues.Select(F)),
                string.Join("; ", k.TransferVi.Select(F)), k.Spearman, k.Chosen, k.MeasuredBest);
        folder.WriteTable("transfer-ranking.csv", rankTable);
        report.Table(viTable, "Brute-force transfer matrix: target VI (bits) after fine-tuning each source", csvFileName: "transfer-matrix-vi.csv");
        report.Table(rankTable, "Per target: sources by MMD² (smallest first) with their measured VI; Spearman of MMD² against VI (positive: MMD ranks like transfer)", csvFileName: "transfer-ranking.csv");
        int agree = result.Rankings.Count(k => k.Chosen == k.MeasuredBest);
        report.Paragraph($"Mean Spearman over targets: {F(result.MeanSpearman)}; the MMD choice is the measured best source for {agree} of {count} targets.");

        report.Heading("Fine-tuning with few annotations", 3);
        report.Paragraph(
            $"For each target and n, the {comparison} strategy picks n patches of the unlabelled pool from the MMD-chosen source's " +
            "boundary predictions (mean per-pixel binary entropy, bits) and features only — no source images. The MMD-chosen source, " +
            "the MMD-worst source and a scratch network (same architecture) are each trained on the same n annotated patches with the " +
            $"same budget ({options.FineTuning.Steps} steps, batch {options.FineTuning.BatchSize}, {options.FineTuning.CropSize}² crops, " +
            $"learning rate {options.FineTuning.LearningRate.ToString(CultureInfo.InvariantCulture)}), over {options.Seeds} seeds; scratch " +
            "uses the chosen source's extraction threshold. The strategy sweep fine-tunes the chosen source on each strategy's picks " +
            $"({options.StrategySeeds} seed(s); rounds: {options.Rounds}). Reduction = 100 × (VI_scratch − VI) / VI_scratch at the same n.");
        var table = new CsvTable("arm", "strategy", "n", "runs", "split", "merge", "vi", "vi_sd", "reduction_vs_scratch_pct");
        var series = new List<PlotSeries>();
        var groups = result.Runs.GroupBy(x => (x.Arm, x.Strategy)).OrderBy(g => g.Key.Arm != "mmd-chosen").ThenBy(g => g.Key.Arm).ThenBy(g => g.Key.Strategy);
        foreach (var g in groups)
        {
            var xs = new List<double>();
            var ys = new List<double>();
            foreach (var atN in g.GroupBy(x => x.N).OrderBy(x => x.Key))
            {
                double vi = atN.Average(x => x.Vi);
                double scratch = result.MeanVi("scratch", comparison, atN.Key);
                double sd = Math.Sqrt(atN.Sum(x => (x.Vi - vi) * (x.Vi - vi)) / Math.Max(1, atN.Count() - 1));
                table.AddRow(g.Key.Arm, g.Key.Strategy, atN.Key, atN.Count(), atN.Average(x => x.Split), atN.Average(x => x.Merge), vi, sd,
                    g.Key.Arm == "scratch" ? null : 100 * (scratch - vi) / scratch);
                xs.Add(atN.Key);
                ys.Add(vi);
            }
            series.Add(new PlotSeries($"{g.Key.Arm} ({g.Key.Strategy})", xs, ys, SeriesStyle.LineAndMarkers));
        }
        folder.WriteTable("transfer-finetune-vi.csv", table);
        var runsTable = new CsvTable("target", "arm", "source", "strategy", "n", "seed", "split", "merge", "vi", "selected");
        foreach (var x in result.Runs) runsTable.AddRow(x.Target, x.Arm, x.Source, x.Strategy, x.N, x.Seed, x.Split, x.Merge, x.Vi, string.Join(' ', x.Selected));
        folder.WriteTable("transfer-finetune-runs.csv", runsTable);
        report.Table(table, "VI (bits) on held-out target patches, mean over targets and seeds", csvFileName: "transfer-finetune-vi.csv");
        report.Figure(Plots.Lines(series, new PlotOptions { Title = "Held-out VI against annotated patches", XLabel = "annotated target patches n", YLabel = "VI (bits)" }),
            "transfer-vi-vs-n.png", "Mean VI against n: MMD-chosen source with each strategy, MMD-worst source and scratch (comparison strategy).");

        int n4 = options.Counts.Contains(4) ? 4 : options.Counts[options.Counts.Count / 2];
        double chosenN4 = result.MeanVi("mmd-chosen", comparison, n4), scratchN4 = result.MeanVi("scratch", comparison, n4), worstN4 = result.MeanVi("mmd-worst", comparison, n4);
        var perSeed = result.Runs.Where(x => x.Strategy == comparison && x.N == n4 && x.Arm != "mmd-worst")
            .GroupBy(x => (x.Target, x.Seed)).Select(g => g.Single(x => x.Arm == "scratch").Vi - g.Single(x => x.Arm == "mmd-chosen").Vi).ToArray();
        report.Paragraph($"At n = {n4}: VI {F(chosenN4)} bits from the MMD-chosen source, {F(worstN4)} from the MMD-worst source, {F(scratchN4)} from scratch " +
                         $"({F(100 * (scratchN4 - chosenN4) / scratchN4)} % lower than scratch; the chosen source wins in {perSeed.Count(d => d > 0)} of {perSeed.Length} target × seed pairs).");
        return new
        {
            Domains = names,
            Mmd2 = Rows(result.Mmd2),
            PValues = Rows(result.PValues),
            TransferVi = Rows(result.TransferVi),
            ZeroShotVi = Rows(result.ZeroShotVi),
            Thresholds = result.Extraction.Select(e => e.Threshold).ToArray(),
            Rankings = result.Rankings,
            result.MeanSpearman,
            MantelR = result.Mantel?.R,
            MantelP = result.Mantel?.PValue,
            N = n4,
            ChosenVi = chosenN4,
            WorstVi = worstN4,
            ScratchVi = scratchN4,
            ReductionPercent = 100 * (scratchN4 - chosenN4) / scratchN4,
            ChosenBeatsScratchPairs = perSeed.Count(d => d > 0),
            Pairs = perSeed.Length,
        };
    }

    private static string F(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    private static long Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);

    private static double[][] Rows(double[,] m) =>
        [.. Enumerable.Range(0, m.GetLength(0)).Select(i => Enumerable.Range(0, m.GetLength(1)).Select(j => m[i, j]).ToArray())];
}
