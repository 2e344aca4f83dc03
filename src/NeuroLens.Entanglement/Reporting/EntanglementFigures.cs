using NeuroLens.Core.Reports;
using NeuroLens.Core.Statistics;
using NeuroLens.Entanglement.Neurons;

namespace NeuroLens.Entanglement.Reporting;

/// <summary>The tables and figures of the Entanglement study, added to a report (and CSVs to a folder).</summary>
public static class EntanglementFigures
{
    /// <summary>Short layer label: <c>encoder.layer.3.intermediate.dense</c> → <c>L3 intermediate.dense</c>.</summary>
    public static string ShortName(string layer)
    {
        var parts = layer.Split('.');
        int index = Array.FindIndex(parts, p => int.TryParse(p, out _));
        return index < 0 ? layer : $"L{parts[index]} {string.Join('.', parts.Skip(index + 1))}";
    }

    /// <summary>neurons.csv, layers.csv, top_neurons.csv; WD histograms per layer; WD vs MD; output histograms and Q-Q plots of the top neurons.</summary>
    public static void AddEntanglement(Report report, OutputFolder folder, EntanglementResult result, string prefix = "")
    {
        var neurons = new CsvTable("layer", "neuron", "wasserstein", "mapping_difficulty", "mean", "std");
        foreach (var n in result.Neurons) neurons.AddRow(n.Layer, n.Neuron, n.Wasserstein, n.MappingDifficulty, n.Mean, n.Std);
        folder.WriteTable(prefix + "neurons.csv", neurons);

        var layers = new CsvTable("layer", "neurons", "tokens", "mean_wd", "max_wd", "spearman_wd_md", "md_pairs", "constant_neurons", "top_set_size");
        foreach (var l in result.Layers)
            layers.AddRow(l.Layer, l.Neurons, l.Tokens, l.MeanWasserstein, l.MaxWasserstein, l.Spearman, l.MdPairs, l.ConstantNeurons, l.Sets.Top.Length);
        folder.WriteTable(prefix + "layers.csv", layers);
        report.Table(layers, "Per layer: WD to N(0,1) over neurons and the Spearman rank correlation of WD with mapping difficulty MD.", csvFileName: prefix + "layers.csv");

        var byKey = result.Neurons.ToDictionary(n => (n.Layer, n.Neuron));
        var top = new CsvTable("layer", "rank", "neuron", "wasserstein", "mapping_difficulty", "mean", "std");
        foreach (var l in result.Layers)
            for (int r = 0; r < l.Sets.Top.Length; r++)
            {
                var n = byKey[(l.Layer, l.Sets.Top[r])];
                top.AddRow(l.Layer, r + 1, n.Neuron, n.Wasserstein, n.MappingDifficulty, n.Mean, n.Std);
            }
        folder.WriteTable(prefix + "top_neurons.csv", top);
        report.Table(top, "Top Wasserstein neurons per layer (highest WD first).", maxRows: 30, csvFileName: prefix + "top_neurons.csv");

        foreach (var (l, i) in result.Layers.Select((l, i) => (l, i)))
        {
            var wd = result.Neurons.Where(n => n.Layer == l.Layer && !double.IsNaN(n.Wasserstein)).Select(n => n.Wasserstein).ToList();
            if (wd.Count == 0) continue;
            report.Figure(Plots.Histogram(wd, new PlotOptions { Title = $"WD to N(0,1): {ShortName(l.Layer)}", XLabel = "Wasserstein distance", Width = 640, Height = 360 }, bins: 50),
                $"{prefix}wd_hist_{i}.png", $"Distribution of the neurons' WD to a Gaussian in {l.Layer}.");
        }

        var series = result.Layers.Select(l =>
        {
            var both = result.Neurons.Where(n => n.Layer == l.Layer && double.IsFinite(n.Wasserstein) && double.IsFinite(n.MappingDifficulty) && n.MappingDifficulty > 0).ToList();
            return new PlotSeries($"{ShortName(l.Layer)} (ρ = {l.Spearman:F2})", both.Select(n => n.Wasserstein).ToList(),
                both.Select(n => Math.Log10(n.MappingDifficulty)).ToList(), SeriesStyle.Markers);
        }).Where(s => s.X.Count > 0).ToList();
        if (series.Count > 0)
            report.Figure(Plots.Lines(series, new PlotOptions { Title = "WD versus mapping difficulty", XLabel = "WD to N(0,1)", YLabel = "log10 MD" }),
                prefix + "wd_vs_md.png", "Each point is a neuron; ρ is the Spearman rank correlation of WD with MD in that layer.");

        int figure = 0;
        foreach (var (layer, outputs) in result.TopOutputs)
            foreach (var (neuron, wd, z) in outputs.Take(2))
            {
                string label = $"{ShortName(layer)} #{neuron} (WD {wd:F3})";
                report.Figure(Plots.Histogram(z, new PlotOptions { Title = label, XLabel = "standardised output", Width = 560, Height = 340 }, bins: 60, density: Plots.StandardNormalPdf, densityLabel: "N(0,1)"),
                    $"{prefix}top_output_{figure}.png", $"Standardised output distribution of Wasserstein neuron {neuron} of {layer} against the Gaussian.");
                report.Figure(QqPlot(z, label), $"{prefix}top_qq_{figure}.png", $"Q-Q plot of neuron {neuron} of {layer} against N(0,1) (midpoint quantiles); the line is y = x.");
                figure++;
            }
    }

    /// <summary>A Q-Q plot of z-scores against N(0,1) midpoint quantiles (at most 400 points shown).</summary>
    public static Figure QqPlot(IReadOnlyList<double> z, string title)
    {
        var sorted = z.Where(double.IsFinite).Order().ToArray();
        int n = sorted.Length, step = Math.Max(1, n / 400);
        var idx = Enumerable.Range(0, n).Where(i => i % step == 0 || i == n - 1).ToArray();
        var q = idx.Select(i => NormalQuantile.Of((i + 0.5) / n)).ToList();
        double lo = Math.Min(q[0], sorted[0]), hi = Math.Max(q[^1], sorted[^1]);
        return Plots.Lines(
            [new PlotSeries("neuron", q, idx.Select(i => sorted[i]).ToList(), SeriesStyle.Markers), new PlotSeries("y = x", [lo, hi], [lo, hi])],
            new PlotOptions { Title = title, XLabel = "N(0,1) quantile", YLabel = "sample quantile", Width = 480, Height = 400 });
    }
}
