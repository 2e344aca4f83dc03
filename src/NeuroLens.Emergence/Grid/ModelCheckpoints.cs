using System.Globalization;
using NeuroLens.Core;
using NeuroLens.Core.TensorFiles;

namespace NeuroLens.Emergence.Grid;

/// <summary>One checkpoint of one model: a Hugging Face folder (config.json, weights, tokenizer files).</summary>
/// <param name="Step">The training step (the number in <c>step{N}</c>; 0 for a lone folder).</param>
/// <param name="Folder">The checkpoint folder.</param>
public sealed record ModelCheckpoint(long Step, string Folder);

/// <summary>Finds the checkpoints of a model given as a folder.</summary>
public static class ModelCheckpoints
{
    /// <summary>
    /// The checkpoints of <paramref name="folder"/>, ascending by step: the <c>step{N}</c> folders of an
    /// <c>lm train</c> run (in <c>checkpoints/</c>) or of a Pythia-style folder of revisions, or the folder
    /// itself as step 0 when it is one model.
    /// </summary>
    public static IReadOnlyList<ModelCheckpoint> Find(string folder)
    {
        if (!Directory.Exists(folder)) throw new NeuroLensException($"{folder}: no such model folder");
        foreach (var root in new[] { Path.Combine(folder, "checkpoints"), folder })
        {
            if (!Directory.Exists(root)) continue;
            var steps = Directory.GetDirectories(root)
                .Select(d => (Dir: d, Name: Path.GetFileName(d)))
                .Where(x => x.Name.StartsWith("step", StringComparison.Ordinal) && long.TryParse(x.Name[4..], NumberStyles.None, CultureInfo.InvariantCulture, out _)
                            && File.Exists(Path.Combine(x.Dir, "config.json")))
                .Select(x => new ModelCheckpoint(long.Parse(x.Name[4..], CultureInfo.InvariantCulture), x.Dir))
                .OrderBy(c => c.Step).ToList();
            if (steps.Count > 0) return steps;
        }
        if (File.Exists(Path.Combine(folder, "config.json"))) return [new ModelCheckpoint(0, folder)];
        throw new NeuroLensException($"{folder}: holds neither checkpoints/step*/ folders nor a config.json");
    }

    /// <summary>
    /// The checkpoints chosen by <paramref name="selection"/>: <c>all</c>, or a comma-separated list of steps
    /// (each must exist).
    /// </summary>
    public static IReadOnlyList<ModelCheckpoint> Select(IReadOnlyList<ModelCheckpoint> checkpoints, string selection, string folder)
    {
        if (selection is "all" or "") return checkpoints;
        var result = new List<ModelCheckpoint>();
        foreach (var part in selection.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long step))
                throw new NeuroLensException($"--checkpoints: '{part}' is not a step number (give all or a list such as 0,64,512)");
            result.Add(checkpoints.FirstOrDefault(c => c.Step == step)
                ?? throw new NeuroLensException($"{folder}: no checkpoint at step {step} (steps: {string.Join(", ", checkpoints.Select(c => c.Step))})"));
        }
        return result.OrderBy(c => c.Step).ToList();
    }

    /// <summary>The parameter count of a checkpoint folder's weights (for ordering models by size).</summary>
    public static long Parameters(string checkpointFolder)
    {
        using var source = TensorFile.Open(checkpointFolder);
        return source.Entries.Sum(e => e.ElementCount);
    }
}
