using NeuroLens.Core.Runtime;
using NeuroLens.Models.Language;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Neurons;

/// <summary>
/// Zeroes chosen output neurons of linear layers through forward hooks — the same as zeroing those rows
/// of W and entries of b: their pre-activations become 0. Dispose it to remove the hooks.
/// </summary>
public sealed class NeuronAblation : IDisposable
{
    private readonly List<Action> _removers = [];
    private readonly List<Tensor> _masks = [];

    /// <summary>Installs the hooks on <paramref name="model"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="neurons">Per linear layer name, the output indices to zero.</param>
    public NeuronAblation(ILanguageModel model, IReadOnlyDictionary<string, int[]> neurons)
    {
        foreach (var (name, indices) in neurons)
        {
            var linear = model.GetLinear(name);
            var keep = ones(linear.weight!.shape[0], dtype: linear.weight.dtype, device: linear.weight.device);
            if (indices.Length > 0)
            {
                using var index = tensor(indices.Select(i => (long)i).ToArray(), device: keep.device);
                keep.index_fill_(0, index, TorchScalars.Zero);
            }
            _masks.Add(keep);
            var hook = linear.register_forward_hook((m, input, output) => output * keep);
            _removers.Add(() => hook.remove());
        }
    }

    /// <summary>Removes the hooks.</summary>
    public void Dispose()
    {
        foreach (var remove in _removers) remove();
        foreach (var m in _masks) m.Dispose();
        _removers.Clear();
        _masks.Clear();
    }
}
