using NeuroLens.Core.Progress;
using NeuroLens.Core.Reports;
using NeuroLens.Core.Reproduction;
using NeuroLens.Entanglement.Expansion;
using NeuroLens.Entanglement.Models;
using NeuroLens.Entanglement.Neurons;
using NeuroLens.Entanglement.Pruning;
using NeuroLens.Entanglement.Reporting;
using NeuroLens.Models.BuiltIn;
using NeuroLens.Models.Language;
using NeuroLens.Models.Tokenizers;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement;

/// <summary>
/// <c>neurolens reproduce wasserstein</c> (entanglement.md §7) on the built-in MiniLM encoder and the
/// built-in <see cref="StudyText"/>: Wasserstein neurons of every first FFN layer (WD histograms, top
/// neurons, their outputs against the Gaussian, WD versus MD); ablation of the top-p % WD neurons
/// against bottom and random sets; magnitude, Wanda, SparseGPT and Sparse Expansion (K = 1, 2, 4, 8, 16)
/// of the FFN layers of the last blocks (2 at scale 1, all 6 from scale 3) at 50 %, 70 %, 90 % and 2:4
/// measured by embedding fidelity to the dense model (K = 1 taken from the SparseGPT run); and per-neuron
/// WD(sparse vs dense) against K for the top Wasserstein neurons of the pruned first-FFN layer with the
/// largest WD at 90 %. Calibration, evaluation and analysis texts are disjoint seeded draws. Each stage's
/// wall time and process CPU time go to the timings.
/// </summary>
public sealed class WassersteinReproduction : IStudyReproduction
{
    /// <inheritdoc />
    public string Name => "wasserstein";

    /// <inheritdoc />
    public string Title => "Entanglement: Wasserstein neurons and Sparse Expansion";

    /// <summary>Where the built-in model is cached (null: the user's default cache).</summary>
    public string? CacheRoot { get; init; }

    // The grid's cost is dominated by the experts (one inverse-Hessian factor and one pruning per expert and layer,
    // whatever the token count), so below scale 0.5 (smoke runs) the grid shrinks to 50 %, 90 % and 2:4 with K ∈ {1, 4}.
    private static readonly string[] FullSparsities = ["0.5", "0.7", "0.9", "2:4"];
    private static readonly int[] FullExpertCounts = [1, 2, 4, 8, 16];

    /// <summary>One row of the pruning table.</summary>
    public sealed record PruningRow(string Sparsity, string Method, int? Experts, double Fidelity, double MeanReconstructionError, double Seconds);

    /// <summary>One neuron's output drift against K.</summary>
    public sealed record DriftRow(string Layer, int Neuron, double DenseWasserstein, int Experts, double Drift);

    /// <summary>One ablation.</summary>
    public sealed record AblationRow(double Percent, string Set, int NeuronsPerLayer, double Fidelity);

    /// <inheritdoc />
    public object Run(ReproductionContext context, Report report, IProgress<ProgressUpdate> progress)
    {
        double scale = Math.Max(0.05, context.Scale);
        int seed = (int)context.Seed;
        string[] Sparsities = scale >= 0.5 ? FullSparsities : ["0.5", "0.9", "2:4"];
        int[] ExpertCounts = scale >= 0.5 ? FullExpertCounts : [1, 4];
        var folder = ModelLocator.Resolve("minilm", CacheRoot);
        ILanguageModel model = LanguageModels.Load(folder);
        using var _model = model;
        var tokenizer = TokenizerLoader.Load(folder, model.MaxPositions);
        using var analysisData = TokenData.FromText(model, tokenizer, StudyText.Sentences(Scaled(320, scale), seed), long.MaxValue, 64);
        using var calibration = TokenData.FromText(model, tokenizer, StudyText.Sentences(Scaled(128, scale), seed + 1), long.MaxValue, 64);
        using var evaluation = TokenData.FromText(model, tokenizer, StudyText.Sentences(Scaled(96, scale), seed + 2), long.MaxValue, 64);
        var out_ = context.Folder;

        report.Paragraph($"Model: built-in MiniLM (all-MiniLM-L6-v2, {model.NumLayers} blocks, FFN width {model.GetLinear(model.FeedForwardGroups(0)[0][0]).weight!.shape[0]}). " +
            $"Text: built-in seeded sentences — {analysisData.Tokens} tokens for the neuron analysis, {calibration.Tokens} calibration tokens, " +
            $"{evaluation.Sequences} evaluation sentences ({evaluation.Tokens} tokens). Scale {scale:G3}, seed {seed}. " +
            "Neurons are the outputs (pre-GELU) of each block's first FFN layer; WD uses the deterministic midpoint-quantile estimator.");

        // 1. Wasserstein neurons.
        progress.Report(new ProgressUpdate("wasserstein: neurons", 0, 4, "steps"));
        EntanglementResult entanglement;
        using (Stage(context, "wasserstein neurons"))
            entanglement = EntanglementAnalysis.Run(model, analysisData, new EntanglementOptions { TopPercent = 1, Pairs = 50_000, Seed = seed });
        report.Heading("Wasserstein neurons", 3);
        EntanglementFigures.AddEntanglement(report, out_, entanglement, "wasserstein_");

        // 2. Ablation.
        progress.Report(new ProgressUpdate("wasserstein: ablation", 1, 4, "steps"));
        using var evaluator = ModelEvaluator.Create(model, evaluation);
        var ablations = new List<AblationRow>();
        using (Stage(context, "wasserstein ablation"))
            foreach (double percent in new[] { 1.0, 5.0 })
                foreach (var set in new[] { "top", "bottom", "random" })
                {
                    var neurons = entanglement.Layers.ToDictionary(l => l.Layer, l =>
                    {
                        var sets = NeuronSets.Select(entanglement.Neurons.Where(n => n.Layer == l.Layer).Select(n => n.Wasserstein).ToList(), percent, seed);
                        return set == "top" ? sets.Top : set == "bottom" ? sets.Bottom : sets.Random;
                    });
                    using (new NeuronAblation(model, neurons))
                        ablations.Add(new AblationRow(percent, set, neurons.Values.First().Length, evaluator.Evaluate(model).Value));
                }
        report.Heading("Ablation of neuron sets", 3);
        var ablationTable = new CsvTable("percent", "set", "neurons_per_layer", "fidelity");
        foreach (var a in ablations) ablationTable.AddRow(a.Percent, a.Set, a.NeuronsPerLayer, a.Fidelity);
        out_.WriteTable("wasserstein_ablation.csv", ablationTable);
        report.Table(ablationTable, "Embedding fidelity (mean cosine to the dense model) after zeroing the outputs of the top-p % WD neurons, the bottom p % or a random p % in every first FFN layer.", csvFileName: "wasserstein_ablation.csv");
        report.Figure(Plots.Bars(ablations.Select(a => $"{a.Set} {a.Percent:G}%").ToList(), ablations.Select(a => a.Fidelity).ToList(),
            new PlotOptions { Title = "Ablating neuron sets", YLabel = "fidelity" }), "wasserstein_ablation.png", "Fidelity after zeroing each neuron set.");

        // 3. Pruning and Sparse Expansion of the FFN layers of the last blocks (all blocks from scale 3 on).
        int prunedBlocks = PrunedBlocks(scale, model.NumLayers);
        int firstPruned = model.NumLayers - prunedBlocks;
        var ffn = Enumerable.Range(firstPruned, prunedBlocks).SelectMany(l => model.FeedForwardGroups(l).SelectMany(g => g)).ToList();
        // Drift: the top Wasserstein neurons of the pruned first-FFN layer with the largest WD.
        var prunedFirstLayers = Enumerable.Range(firstPruned, prunedBlocks).Select(l => model.FeedForwardGroups(l)[0][0]).ToHashSet();
        var driftLayer = entanglement.Layers.Where(l => prunedFirstLayers.Contains(l.Layer)).OrderByDescending(l => l.MaxWasserstein).First();
        var driftNeurons = driftLayer.Sets.Top.Take(4).ToArray();
        var denseDrift = DriftOutputs(model, evaluation, driftLayer.Layer, driftNeurons, null);
        var rows = new List<PruningRow>();
        var drift = new List<DriftRow>();
        void AddDrift(int k, double[][] sparse)
        {
            for (int i = 0; i < driftNeurons.Length; i++)
                drift.Add(new DriftRow(driftLayer.Layer, driftNeurons[i], entanglement.Neurons.First(n => n.Layer == driftLayer.Layer && n.Neuron == driftNeurons[i]).Wasserstein,
                    k, OutputDrift.Wasserstein(sparse[i], denseDrift[i])));
        }
        using var snapshot = new WeightSnapshot(model);
        int restarts = scale >= 1 ? 3 : 1;
        int step = 0, steps = Sparsities.Length * (3 + ExpertCounts.Count(k => k > 1));
        using (Stage(context, "wasserstein pruning"))
            foreach (var sparsityText in Sparsities)
            {
                var sparsity = SparsitySpec.Parse(sparsityText);
                foreach (var method in new[] { PruningMethod.Magnitude, PruningMethod.Wanda, PruningMethod.SparseGpt })
                {
                    progress.Report(new ProgressUpdate("wasserstein: pruning", step++, steps, "runs"));
                    var watch = System.Diagnostics.Stopwatch.StartNew();
                    using var stage = Stage(context, "wasserstein pruning: magnitude, wanda, sparsegpt");
                    snapshot.Restore();
                    var reports = ModelPruner.Prune(model, calibration, new PruningOptions { Method = method, Sparsity = sparsity }, ffn);
                    double fidelity = evaluator.Evaluate(model).Value;
                    double error = reports.Average(r => r.Report.ReconstructionError);
                    rows.Add(new PruningRow(sparsityText, method.ToString().ToLowerInvariant(), null, fidelity, error, watch.Elapsed.TotalSeconds));
                    if (method == PruningMethod.SparseGpt && ExpertCounts.Contains(1))
                    {
                        // Sparse Expansion with K = 1 is SparseGPT (one cluster, the Hessian of all tokens, the same
                        // layer-sequential walk): its row and its drift are this run's, not recomputed.
                        rows.Add(new PruningRow(sparsityText, "sparse expansion", 1, fidelity, error, 0));
                        if (sparsityText == "0.9") AddDrift(1, DriftOutputs(model, evaluation, driftLayer.Layer, driftNeurons, null));
                    }
                }
                snapshot.Restore();
                foreach (int k in ExpertCounts.Where(k => k > 1))
                {
                    progress.Report(new ProgressUpdate("wasserstein: pruning", step++, steps, "runs"));
                    var watch = System.Diagnostics.Stopwatch.StartNew();
                    using var stage = Stage(context, "wasserstein pruning: sparse expansion");
                    var options = new SparseExpansionOptions { Experts = k, PcaReduction = 32, Restarts = restarts, Seed = seed, Pruning = new PruningOptions { Sparsity = sparsity } };
                    var (expanded, reports) = ModelExpander.Expand(model, calibration, options, layers: ffn);
                    using (expanded)
                    {
                        double fidelity = evaluator.Evaluate(model).Value;
                        rows.Add(new PruningRow(sparsityText, "sparse expansion", k, fidelity, reports.Average(r => r.Report.ReconstructionError), watch.Elapsed.TotalSeconds));
                        if (sparsityText == "0.9")
                        {
                            var group = expanded.Groups.First(g => g.Names.Contains(driftLayer.Layer));
                            AddDrift(k, DriftOutputs(model, evaluation, driftLayer.Layer, driftNeurons, group.Layers[group.Names.ToList().IndexOf(driftLayer.Layer)]));
                        }
                    }
                }
            }
        snapshot.Restore();

        report.Heading("Pruning and Sparse Expansion", 3);
        string blocksText = prunedBlocks == model.NumLayers ? $"all {model.NumLayers} blocks"
            : prunedBlocks == 1 ? $"the last of {model.NumLayers} blocks (block {firstPruned}; round(2 · scale) blocks, all from scale 3 on)"
            : $"the last {prunedBlocks} of {model.NumLayers} blocks (blocks {firstPruned}–{model.NumLayers - 1}; round(2 · scale) blocks, all from scale 3 on)";
        report.Paragraph($"The FFN linear layers (both) of {blocksText} are pruned; attention stays dense, as Sparse Expansion keeps it. " +
            $"Layer-sequential calibration with {calibration.Tokens} calibration tokens: each pruned block's inputs come from the already-pruned blocks before it. " +
            "Fidelity is the mean cosine between pooled normalised embeddings of the pruned and the dense model on the evaluation sentences. " +
            "The reconstruction error is ‖WX − ŴX‖²/‖WX‖² averaged over the pruned layers on their calibration inputs (Sparse Expansion: summed over clusters). " +
            "Sparse Expansion with K = 1 is SparseGPT (one cluster holding every token, the same walk), so its rows and its drift are the SparseGPT run's, not recomputed (seconds 0; a separate K = 1 expansion agrees to float rounding). " +
            "Seconds are wall-clock per run, pruning and evaluation.");
        var table = new CsvTable("sparsity", "method", "experts", "fidelity", "mean_reconstruction_error", "seconds");
        foreach (var r in rows) table.AddRow(r.Sparsity, r.Method, r.Experts, r.Fidelity, r.MeanReconstructionError, r.Seconds);
        out_.WriteTable("wasserstein_pruning.csv", table);
        report.Table(table, "Fidelity of the pruned encoder by method, sparsity and number of experts K (K = 1 is SparseGPT).", maxRows: 60, csvFileName: "wasserstein_pruning.csv");
        var fractions = Sparsities.Where(t => !t.Contains(':')).Select(t => double.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var lineSeries = new List<PlotSeries>();
        foreach (var (method, k) in new (string, int?)[] { ("magnitude", null), ("wanda", null), ("sparsegpt", null) }.Concat(ExpertCounts.Where(e => e > 1).Select(e => ("sparse expansion", (int?)e))))
        {
            var ys = fractions.Select(f => rows.First(r => r.Sparsity == f.ToString(System.Globalization.CultureInfo.InvariantCulture) && r.Method == method && r.Experts == k).Fidelity).ToList();
            lineSeries.Add(new PlotSeries(k is null ? method : $"SE K={k}", fractions.Select(f => 100 * f).ToList(), ys, SeriesStyle.LineAndMarkers));
        }
        report.Figure(Plots.Lines(lineSeries, new PlotOptions { Title = "Fidelity against sparsity", XLabel = "sparsity (%)", YLabel = "fidelity" }),
            "wasserstein_pruning.png", "Embedding fidelity of MiniLM with its FFN layers pruned (unstructured); 2:4 is in the table.");

        var driftTable = new CsvTable("layer", "neuron", "dense_wd", "experts", "wd_sparse_vs_dense");
        foreach (var d in drift) driftTable.AddRow(d.Layer, d.Neuron, d.DenseWasserstein, d.Experts, d.Drift);
        out_.WriteTable("wasserstein_drift.csv", driftTable);
        report.Table(driftTable, $"Per-neuron WD between the 90 %-sparse and the dense output distribution (standardised by the dense mean and std) of the top Wasserstein neurons of {driftLayer.Layer}, against K.", csvFileName: "wasserstein_drift.csv");
        report.Figure(Plots.Lines(driftNeurons.Select(n => new PlotSeries($"neuron {n}", ExpertCounts.Select(k => (double)k).ToList(),
                drift.Where(d => d.Neuron == n).OrderBy(d => d.Experts).Select(d => d.Drift).ToList(), SeriesStyle.LineAndMarkers)).ToList(),
                new PlotOptions { Title = "Disentanglement at 90 % sparsity", XLabel = "experts K", YLabel = "WD(sparse, dense)" }),
            "wasserstein_drift.png", "Per-neuron WD(sparse vs dense) against K (K = 1 is SparseGPT); the paper reports 0.27 → 0.08 for a Pythia-1.4B neuron.");
        report.Note("Literature reference numbers for orientation (WikiText-2 perplexity, Llama-2-7B): dense 5.12, magnitude 50 % 14.89, SparseGPT 50 % 6.51, Wanda 50 % 6.42, SparseGPT 2:4 10.17, Wanda 2:4 11.02. They are for a causal LM, not comparable to MiniLM fidelity.");
        progress.Report(new ProgressUpdate("wasserstein", 4, 4, "steps"));

        return new
        {
            Model = "minilm",
            AnalysisTokens = analysisData.Tokens,
            CalibrationTokens = calibration.Tokens,
            EvaluationSentences = evaluation.Sequences,
            Layers = entanglement.Layers.Select(l => new { l.Layer, l.MeanWasserstein, l.MaxWasserstein, l.Spearman, Top = l.Sets.Top.Take(5).ToArray() }).ToList(),
            Ablation = ablations,
            Pruning = rows,
            Drift = drift,
        };
    }

    // Records a stage's wall time under its name and the process CPU time (user + system, all threads) under "NAME cpu",
    // so that runs on a shared machine can be judged by CPU time.
    private static IDisposable Stage(ReproductionContext context, string name)
    {
        var wall = context.Timings.Measure(name);
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        return new StageScope(() =>
        {
            wall.Dispose();
            context.Timings.Add(name + " cpu", Math.Max(0, (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds));
        });
    }

    private sealed class StageScope(Action end) : IDisposable
    {
        private Action? _end = end;

        public void Dispose()
        {
            _end?.Invoke();
            _end = null;
        }
    }

    private static int Scaled(int count, double scale) => Math.Max(8, (int)Math.Round(count * scale));

    /// <summary>How many of the last blocks have their FFN layers pruned: 2 at scale 1, growing with the scale to all blocks.</summary>
    internal static int PrunedBlocks(double scale, int blocks) => Math.Clamp((int)Math.Round(2 * scale), 1, blocks);

    // Outputs of some neurons of a layer on the evaluation data: dense (expanded == null) or through the layer's experts.
    private static double[][] DriftOutputs(ILanguageModel model, TokenData data, string layer, int[] neurons, ExpandedLinear? expanded)
    {
        var inputs = LinearInputRecorder.Record(model, data, [layer]);
        using var x = inputs[layer];
        using var scope = NewDisposeScope();
        var linear = model.GetLinear(layer);
        var y = expanded is null ? nn.functional.linear(x, linear.weight!.detach(), linear.bias?.detach()) : expanded.Forward(x);
        return neurons.Select(n => y[.., n].to(ScalarType.Float64).data<double>().ToArray()).ToArray();
    }
}
