using NeuroLens.Models.Language;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Models;

/// <summary>A copy of a model's parameters, to restore the dense model between experiments. Dispose it to free the copy.</summary>
public sealed class WeightSnapshot : IDisposable
{
    private readonly List<(Tensor Parameter, Tensor Copy)> _copies;

    /// <summary>Copies every parameter of <paramref name="model"/>.</summary>
    public WeightSnapshot(ILanguageModel model)
    {
        using var _ = no_grad();
        _copies = model.Module.parameters().Select(p => ((Tensor)p, p.detach().clone())).ToList();
    }

    /// <summary>Writes the copied values back.</summary>
    public void Restore()
    {
        using var _ = no_grad();
        foreach (var (parameter, copy) in _copies) parameter.copy_(copy);
    }

    /// <summary>Frees the copies.</summary>
    public void Dispose()
    {
        foreach (var (_, copy) in _copies) copy.Dispose();
    }
}
