using NeuroLens.Models.Data;
using NeuroLens.Models.Language;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Activations;

/// <summary>
/// Activations of a live model: <c>resid_post[layer]</c> (the output of block <c>layer</c>, = HF
/// <c>hidden_states[layer + 1]</c>) captured with a forward hook while the model runs over token
/// sequences; one row per real (unpadded) token, sequences in order, tokens in order.
/// </summary>
public sealed class ModelActivationSource : IActivationSource
{
    private readonly ILanguageModel _model;
    private readonly IReadOnlyList<int[]> _sequences;
    private readonly int _layer;
    private readonly int _batchSize;
    private readonly int _padId;

    /// <summary>Captures block <paramref name="layer"/>'s output over <paramref name="sequences"/> (token ids, special tokens included).</summary>
    public ModelActivationSource(ILanguageModel model, IReadOnlyList<int[]> sequences, int layer, int batchSize = 8, int padId = 0)
    {
        if (layer < 0 || layer >= model.NumLayers)
            throw new NeuroLens.Core.NeuroLensException($"layer {layer} is out of range; the model has blocks 0..{model.NumLayers - 1}");
        _model = model;
        _sequences = sequences;
        _layer = layer;
        _batchSize = Math.Max(1, batchSize);
        _padId = padId;
    }

    /// <inheritdoc />
    public int Dimension => _model.HiddenSize;

    /// <inheritdoc />
    public long Rows => _sequences.Sum(s => (long)s.Length);

    /// <inheritdoc />
    public IEnumerable<Tensor> ReadChunks()
    {
        for (int first = 0; first < _sequences.Count; first += _batchSize)
        {
            var group = _sequences.Skip(first).Take(_batchSize).Where(s => s.Length > 0).Select(s => (IReadOnlyList<int>)s).ToList();
            if (group.Count == 0) continue;
            using var batch = TokenBatches.RightPadded(group, _padId);
            yield return Capture(batch.InputIds, batch.AttentionMask);
        }
    }

    /// <summary>The rows [real tokens, C] of block <paramref name="layer"/>'s output for one padded batch.</summary>
    public static Tensor Capture(ILanguageModel model, int layer, Tensor ids, Tensor mask)
    {
        Tensor? captured = null;
        using (var hook = BlockHook.Attach(model, layer, output =>
               {
                   captured = output.detach().clone().DetachFromDisposeScope();
                   return null;
               }))
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            // The blocks after the hooked one are not needed; running block by block stops there.
            var hidden = model.Embed(ids);
            for (int l = 0; l <= layer; l++)
                hidden = model.Block(l, hidden, mask);
        }
        using (captured)
        using (var keep = mask.flatten().to_type(ScalarType.Bool))
        using (var rows = captured!.reshape(-1, captured.shape[^1]))
            return rows[keep].to_type(ScalarType.Float32);
    }

    private Tensor Capture(Tensor ids, Tensor mask) => Capture(_model, _layer, ids, mask);
}
