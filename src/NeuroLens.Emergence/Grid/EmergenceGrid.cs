using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using NeuroLens.Core;
using NeuroLens.Core.IO;
using NeuroLens.Core.Progress;
using NeuroLens.Emergence.Activations;
using NeuroLens.Emergence.Concepts;
using NeuroLens.Emergence.Sae;
using NeuroLens.Models.Capture;
using NeuroLens.Models.Data;
using NeuroLens.Models.Language;
using NeuroLens.Models.Tokenizers;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Grid;

/// <summary>
/// Runs the cells of an emergence grid in sequence: per (model, checkpoint) the residual stream of every
/// chosen layer is captured once over the evaluation texts (cached in <c>cache/</c>), then per layer and SAE seed
/// (<see cref="EmergenceGridOptions.SaeSeeds"/>, all on the same cached activations) one SAE is trained with the
/// recipe, its quality measured on held-out tokens, and its latents matched to the concepts. Each (cell, seed)'s
/// <c>cell.json</c> marks it done, so an interrupted run resumes where it stopped (a later run with more seeds trains
/// only the new ones) and cells can be split over processes by giving each a subset of models or checkpoints.
/// </summary>
/// <remarks>
/// Folder layout under the output folder: <c>cells/{model}/step{N}/layer{L}/</c> with <c>cell.json</c> and
/// <c>sae/</c> (SAELens layout) of seed 0, and <c>seed{i}/</c> below it with those of seed i ≥ 1;
/// <c>cache/{model}/step{N}/</c> the activation capture.
/// </remarks>
public static class EmergenceGrid
{
    /// <summary>JSON options of <c>cell.json</c> (NaN allowed as named literals).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The folder of a cell.</summary>
    public static string CellFolder(string outFolder, string model, long step, int layer) =>
        Path.Combine(outFolder, "cells", model, "step" + step.ToString(CultureInfo.InvariantCulture), "layer" + layer.ToString(CultureInfo.InvariantCulture));

    /// <summary>The folder of a cell's SAE seed index <paramref name="seed"/>: the cell's folder for seed 0 (where a one-seed grid puts it), <c>seed{i}/</c> inside it otherwise.</summary>
    public static string CellFolder(string outFolder, string model, long step, int layer, int seed) =>
        seed == 0 ? CellFolder(outFolder, model, step, layer) : Path.Combine(CellFolder(outFolder, model, step, layer), "seed" + seed.ToString(CultureInfo.InvariantCulture));

    /// <summary>Runs (or resumes) the grid into <paramref name="outFolder"/>.</summary>
    public static EmergenceGridResult Run(EmergenceGridOptions options, string outFolder, IProgress<ProgressUpdate>? progress = null,
        CancellationToken cancellation = default)
    {
        if (options.SaeSeeds < 1) throw new NeuroLensException($"--sae-seeds {options.SaeSeeds}: expected at least 1 SAE seed per cell");
        var models = Discover(options);
        int seeds = options.SaeSeeds;
        var cells = new List<CellResult>();
        int run = 0, total = models.Sum(m => m.Steps.Count * m.Layers.Count) * seeds, done = 0;
        foreach (var model in models)
        {
            var checkpoints = ModelCheckpoints.Select(ModelCheckpoints.Find(model.Folder), options.Checkpoints, model.Folder);
            foreach (var checkpoint in checkpoints)
            {
                cancellation.ThrowIfCancellationRequested();
                var pending = new List<(int Layer, int Seed)>();
                // Cells and caches of another model under the same name and step (a retrained suite) are stale.
                var stamp = Stamp(checkpoint.Folder);
                var stampPath = Path.Combine(outFolder, "cells", model.Name, "step" + checkpoint.Step.ToString(CultureInfo.InvariantCulture), "source.txt");
                if (File.Exists(stampPath) && File.ReadAllText(stampPath) != stamp)
                {
                    Directory.Delete(Path.GetDirectoryName(stampPath)!, true);
                    var stale = Path.Combine(outFolder, "cache", model.Name, "step" + checkpoint.Step.ToString(CultureInfo.InvariantCulture));
                    if (Directory.Exists(stale)) Directory.Delete(stale, true);
                }
                Directory.CreateDirectory(Path.GetDirectoryName(stampPath)!);
                AtomicFile.WriteAllText(stampPath, stamp);
                foreach (int layer in model.Layers)
                    for (int seed = 0; seed < seeds; seed++)
                    {
                        var existing = TryLoad(CellFolder(outFolder, model.Name, checkpoint.Step, layer, seed));
                        if (existing is not null) cells.Add(existing with { Seed = seed });
                        else pending.Add((layer, seed));
                    }
                done += model.Layers.Count * seeds - pending.Count;
                if (pending.Count == 0) continue;
                foreach (var cell in RunCheckpoint(options, outFolder, model.Name, checkpoint, pending, cancellation))
                {
                    cells.Add(cell);
                    run++;
                    progress?.Report(new ProgressUpdate("emergence grid", ++done, total, seeds == 1 ? "cells" : "SAEs"));
                }
            }
        }
        var ordered = cells.OrderBy(c => models.Select(m => m.Name).ToList().IndexOf(c.Model)).ThenBy(c => c.Step).ThenBy(c => c.Layer).ThenBy(c => c.Seed).ToList();
        if (seeds == 1) return new EmergenceGridResult(models, options.Concepts.Categories, ordered, run);
        var means = ordered.GroupBy(c => (c.Model, c.Step, c.Layer)).Select(g => SeedAggregate.Mean(g.ToList())).ToList();
        return new EmergenceGridResult(models, options.Concepts.Categories, means, run) { SeedCells = ordered, Seeds = seeds };
    }

    /// <summary>What identifies a checkpoint's contents: its full path and the size and time of its files.</summary>
    private static string Stamp(string folder) =>
        Path.GetFullPath(folder) + "\n" + string.Join("\n", Directory.GetFiles(folder).Order(StringComparer.Ordinal)
            .Select(f => new FileInfo(f)).Select(f => $"{f.Name} {f.Length} {f.LastWriteTimeUtc.Ticks}")) + "\n";

    /// <summary>The models of the grid, smallest first, with their steps and layers.</summary>
    public static IReadOnlyList<GridModel> Discover(EmergenceGridOptions options)
    {
        if (options.Models.Count == 0) throw new NeuroLensException("--models: give at least one model folder");
        var models = new List<GridModel>();
        var names = new HashSet<string>();
        foreach (var folder in options.Models)
        {
            var checkpoints = ModelCheckpoints.Select(ModelCheckpoints.Find(folder), options.Checkpoints, folder);
            string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
            for (int i = 2; !names.Add(name); i++) name = $"{Path.GetFileName(folder)}-{i}";
            var last = checkpoints[^1].Folder;
            int layers = ReadLayerCount(last);
            var chosen = options.Layers is null ? Enumerable.Range(0, layers).ToList() : options.Layers.Where(l => l >= 0 && l < layers).ToList();
            if (chosen.Count == 0) throw new NeuroLensException($"{folder}: none of the layers {string.Join(",", options.Layers!)} exists (blocks 0..{layers - 1})");
            models.Add(new GridModel(name, folder, ModelCheckpoints.Parameters(last), checkpoints.Select(c => c.Step).ToList(), chosen));
        }
        return models.OrderBy(m => m.Parameters).ToList();
    }

    private static int ReadLayerCount(string folder)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!.AsObject();
        foreach (var key in new[] { "num_hidden_layers", "n_layer", "num_layers" })
            if (json[key] is { } node) return node.GetValue<int>();
        throw new NeuroLensException($"{folder}/config.json: no num_hidden_layers");
    }

    private static CellResult? TryLoad(string cellFolder)
    {
        var path = Path.Combine(cellFolder, "cell.json");
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<CellResult>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new NeuroLensException($"{path}: unreadable cell result ({e.Message}); delete it to recompute the cell");
        }
    }

    /// <summary>Token ids of each text (the model's special tokens around them) and each token's categories.</summary>
    public static (List<int[]> Sequences, List<IReadOnlyList<int>[]> Labels) Prepare(IReadOnlyList<string> texts, ITextTokenizer tokenizer,
        int maxPositions, ConceptSet concepts, bool firstTokenOnly)
    {
        var sequences = new List<int[]>();
        var labels = new List<IReadOnlyList<int>[]>();
        foreach (var text in texts)
        {
            var tokens = tokenizer.Tokenize(text);
            if (tokens.Count == 0) continue;
            var inner = ConceptLabeller.Label(text, tokens, concepts, firstTokenOnly);
            var full = tokenizer.Encode(text, addSpecialTokens: true);
            // Special tokens around the text (BERT's [CLS] … [SEP]) carry no category.
            int prefix = IndexOf(full, tokens);
            var ids = prefix >= 0 ? full.ToArray() : tokens.Select(t => t.Id).ToArray();
            if (prefix < 0) prefix = 0;
            var row = new IReadOnlyList<int>[ids.Length];
            for (int t = 0; t < ids.Length; t++)
                row[t] = t >= prefix && t - prefix < inner.Length ? inner[t - prefix] : [];
            int keep = Math.Min(ids.Length, maxPositions);
            sequences.Add(ids[..keep]);
            labels.Add(row[..keep]);
        }
        if (sequences.Count == 0) throw new NeuroLensException("emergence: no evaluation text gave any token");
        return (sequences, labels);
    }

    private static int IndexOf(IReadOnlyList<int> full, IReadOnlyList<TextToken> inner)
    {
        for (int start = 0; start + inner.Count <= full.Count; start++)
        {
            bool match = true;
            for (int i = 0; i < inner.Count && match; i++) match = full[start + i] == inner[i].Id;
            if (match) return start;
        }
        return -1;
    }

    private static IEnumerable<CellResult> RunCheckpoint(EmergenceGridOptions options, string outFolder, string modelName, ModelCheckpoint checkpoint,
        IReadOnlyList<(int Layer, int Seed)> pending, CancellationToken cancellation)
    {
        using var model = LanguageModels.Load(checkpoint.Folder);
        model.Module.eval();
        var tokenizer = TokenizerLoader.Load(checkpoint.Folder, model.MaxPositions);
        var (sequences, sequenceLabels) = Prepare(options.Texts, tokenizer, model.MaxPositions, options.Concepts, options.FirstTokenOnly);
        var cacheFolder = Path.Combine(outFolder, "cache", modelName, "step" + checkpoint.Step.ToString(CultureInfo.InvariantCulture));
        // One capture per checkpoint, shared by every layer and SAE seed.
        using var capture = OpenOrCapture(model, tokenizer, sequences, pending.Select(p => p.Layer).Distinct().ToList(), options, cacheFolder);
        var tokens = capture.ReadAllTokens();
        var labels = new ConceptLabels(options.Concepts.Categories, tokens.Select(t => sequenceLabels[(int)t.Text][t.Position]).ToList());
        foreach (var (layer, seed) in pending)
        {
            cancellation.ThrowIfCancellationRequested();
            yield return RunCell(options, outFolder, modelName, checkpoint, layer, seed, model, sequences, capture, labels, tokenizer.PadId);
        }
    }

    private static CaptureSet OpenOrCapture(ILanguageModel model, ITextTokenizer tokenizer, List<int[]> sequences, IReadOnlyList<int> layers,
        EmergenceGridOptions options, string cacheFolder)
    {
        var sites = layers.Select(CaptureSite.ResidPostName).ToList();
        if (File.Exists(Path.Combine(cacheFolder, "capture.json")))
        {
            var cached = CaptureSet.Open(cacheFolder);
            if (sites.All(s => cached.Sites.Any(c => c.Name == s))) return cached;
            cached.Dispose();
        }
        // Capture every layer of the model at once, so later runs with other layers reuse the cache.
        var all = Enumerable.Range(0, model.NumLayers).Select(CaptureSite.ResidPostName).ToList();
        var batches = Batches(sequences, options.BatchSize, tokenizer.PadId);
        return ActivationCapture.Run(model, batches, new CaptureOptions { Sites = all, MaxTokens = options.MaxTokens, Folder = cacheFolder });
    }

    private static IEnumerable<TokenBatch> Batches(List<int[]> sequences, int batchSize, int padId)
    {
        for (int first = 0; first < sequences.Count; first += batchSize)
            yield return TokenBatches.RightPadded(sequences.Skip(first).Take(batchSize).Select(s => (IReadOnlyList<int>)s).ToList(), padId);
    }

    private static CellResult RunCell(EmergenceGridOptions options, string outFolder, string modelName, ModelCheckpoint checkpoint, int layer, int seed,
        ILanguageModel model, List<int[]> sequences, CaptureSet capture, ConceptLabels labels, int padId)
    {
        var watch = Stopwatch.StartNew();
        var site = capture[CaptureSite.ResidPostName(layer)];
        long rows = site.RowCount;
        long evaluationRows = Math.Max(1, (long)(rows * options.EvaluationFraction));
        long trainRows = Math.Max(1, rows - evaluationRows);
        // Seed i differs from seed 0 in the SAE's initialisation and batch order only; the activations, the held-out
        // tokens and the label permutations of the null are the same.
        var recipe = options.Sae with { Seed = options.Sae.Seed + seed };
        var training = SaeTraining.Train(new CaptureActivationSource(site, count: trainRows), recipe);
        using var sae = training.Sae;
        var cellFolder = CellFolder(outFolder, modelName, checkpoint.Step, layer, seed);
        SaeFiles.Write(Path.Combine(cellFolder, "sae"), sae, new SaeMetadata(checkpoint.Folder, CaptureSite.ResidPostName(layer), layer));

        var quality = SaeMetrics.Evaluate(sae, new CaptureActivationSource(site, start: rows - evaluationRows));
        if (model.Kind == ModelKind.CausalLm && options.CeSequences > 0)
        {
            var splice = SaeSplice.Measure(model, sae, layer, sequences.Take(options.CeSequences).ToList(), options.BatchSize, padId);
            quality = quality with { CeLossRecovered = splice.Recovered };
        }

        var taus = new[] { options.Matching.Threshold }.Concat(options.SensitivityTaus).Distinct().ToList();
        var patterns = taus.Select(_ => new ActivePattern(sae.Latents)).ToList();
        foreach (var chunk in new CaptureActivationSource(site).ReadChunks())
        {
            using (chunk)
            using (var codes = sae.Encode(chunk))
            {
                for (int i = 0; i < taus.Count; i++) patterns[i].Add(codes, taus[i]);
            }
        }
        var scores = ConceptMatching.Score(patterns[0], labels, options.Matching);
        var byTau = new Dictionary<string, double[]>();
        for (int i = 0; i < taus.Count; i++)
        {
            var s = i == 0 ? scores : ConceptMatching.Score(patterns[i], labels, options.Matching with { Threshold = taus[i], Permutations = 0 });
            byTau[taus[i].ToString("R", CultureInfo.InvariantCulture)] = s.Select(x => x.Score).ToArray();
        }
        var result = new CellResult(modelName, checkpoint.Step, layer, rows, quality, scores, byTau, watch.Elapsed.TotalSeconds, seed);
        AtomicFile.WriteAllText(Path.Combine(cellFolder, "cell.json"), JsonSerializer.Serialize(result, JsonOptions) + "\n");
        return result;
    }
}
