using NeuroLens.Core;
using NeuroLens.Models.Language;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Activations;

/// <summary>
/// A forward hook on block <c>ℓ</c> of a language model (module <see cref="ILanguageModel.BlockName"/>):
/// it sees <c>resid_post[ℓ]</c> (B, T, C) and may replace it. Dispose to remove the hook.
/// </summary>
public sealed class BlockHook : IDisposable
{
    private readonly Action _remove;

    private BlockHook(Action remove) => _remove = remove;

    /// <summary>
    /// Hooks block <paramref name="layer"/>: <paramref name="onOutput"/> receives the block output and returns
    /// a replacement, or null to keep it. The output lives in the forward's dispose scope: copy what you keep
    /// (<c>detach().clone().DetachFromDisposeScope()</c>).
    /// </summary>
    public static BlockHook Attach(ILanguageModel model, int layer, Func<Tensor, Tensor?> onOutput)
    {
        if (layer < 0 || layer >= model.NumLayers)
            throw new NeuroLensException($"layer {layer} is out of range; the model has blocks 0..{model.NumLayers - 1}");
        string name = model.BlockName(layer);
        var module = model.Module.named_modules().FirstOrDefault(m => m.name == name).module
            ?? throw new NeuroLensException($"the model has no module '{name}'");
        return module switch
        {
            nn.Module<Tensor, Tensor, Tensor> two => Remove(two.register_forward_hook((m, a, b, output) => onOutput(output)!).remove),
            nn.Module<Tensor, Tensor> one => Remove(one.register_forward_hook((m, a, output) => onOutput(output)!).remove),
            _ => throw new NeuroLensException($"block '{name}' ({module.GetType().Name}) cannot be hooked: expected a module taking (hidden[, mask])"),
        };
    }

    /// <summary>Removes the hook.</summary>
    public void Dispose() => _remove();

    private static BlockHook Remove(Action remove) => new(remove);
}
