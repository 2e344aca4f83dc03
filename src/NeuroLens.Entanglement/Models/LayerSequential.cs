using NeuroLens.Core.Progress;
using NeuroLens.Models.Language;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Models;

/// <summary>
/// The layer-sequential walk of SparseGPT (entanglement.md §4, §5): calibration data go through the
/// embedding, then block by block; for each block the inputs of the chosen linear layers are recorded
/// on one pass of the block (with the blocks before it already modified), the caller modifies the
/// block (prunes weights or installs experts), and a second pass of the modified block produces the
/// inputs of the next block.
/// </summary>
public static class LayerSequential
{
    /// <summary>Walks the model.</summary>
    /// <param name="model">The model (modified in place by <paramref name="modify"/>).</param>
    /// <param name="data">Calibration batches.</param>
    /// <param name="linearsOf">The linear layers of block l whose inputs <paramref name="modify"/> needs (may be empty).</param>
    /// <param name="modify">Called per block with each chosen layer's inputs (real tokens × d_in, float32; disposed after the call).</param>
    /// <param name="progress">Progress per block, or null.</param>
    public static void Run(ILanguageModel model, TokenData data, Func<int, IReadOnlyList<string>> linearsOf,
        Action<int, IReadOnlyDictionary<string, Tensor>> modify, IProgress<ProgressUpdate>? progress = null)
    {
        using var _ = no_grad();
        var device = model.Module.parameters().FirstOrDefault()?.device ?? CPU;
        var masks = data.Batches.Select(b => b.Mask.to(device)).ToList();
        var positions = masks.Select(m => m.flatten().nonzero().squeeze(1)).ToList();
        var hidden = data.Batches.Select(b =>
        {
            using var scope = NewDisposeScope();
            return model.Embed(b.Ids.to(device)).detach().MoveToOuterDisposeScope();
        }).ToList();
        try
        {
            for (int layer = 0; layer < model.NumLayers; layer++)
            {
                var names = linearsOf(layer);
                if (names.Count > 0)
                {
                    var inputs = new Dictionary<string, Tensor>();
                    using (var recorder = new LinearInputRecorder(model, names))
                    {
                        for (int i = 0; i < hidden.Count; i++)
                        {
                            recorder.Positions = positions[i];
                            using var scope = NewDisposeScope();
                            model.Block(layer, hidden[i], masks[i]);
                        }
                        foreach (var name in names) inputs[name] = recorder.Take(name);
                    }
                    try { modify(layer, inputs); }
                    finally { foreach (var t in inputs.Values) t.Dispose(); }
                }
                for (int i = 0; i < hidden.Count; i++)
                {
                    using var scope = NewDisposeScope();
                    var next = model.Block(layer, hidden[i], masks[i]).detach().MoveToOuterDisposeScope();
                    hidden[i].Dispose();
                    hidden[i] = next;
                }
                progress?.Report(new ProgressUpdate("block", layer + 1, model.NumLayers));
            }
        }
        finally
        {
            foreach (var t in hidden.Concat(masks).Concat(positions)) t.Dispose();
        }
    }
}
