using NeuroLens.Models.Language;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Models;

/// <summary>
/// Records the inputs of named linear layers at real (non-padding) tokens through forward hooks, as
/// float32 tokens × d_in rows, while <see cref="Positions"/> says which flattened (B·T) positions are real.
/// Dispose it to remove the hooks and free what was recorded.
/// </summary>
internal sealed class LinearInputRecorder : IDisposable
{
    private readonly List<Action> _removers = [];
    private readonly Dictionary<string, List<Tensor>> _rows = [];

    public LinearInputRecorder(ILanguageModel model, IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            var rows = _rows[name] = [];
            var hook = model.GetLinear(name).register_forward_hook((m, input, output) =>
            {
                if (Positions is null) return null!;
                using var flat = input.reshape(-1, input.shape[^1]);
                rows.Add(flat.index_select(0, Positions).to(ScalarType.Float32).detach().clone().DetachFromDisposeScope());
                return null!;
            });
            _removers.Add(() => hook.remove());
        }
    }

    /// <summary>Flattened indices of the real tokens of the batch being run (set before each forward).</summary>
    public Tensor? Positions { get; set; }

    /// <summary>The recorded inputs of one layer, all batches stacked (the caller owns the result).</summary>
    public Tensor Take(string name)
    {
        var rows = _rows[name];
        var result = cat(rows, 0);
        foreach (var r in rows) r.Dispose();
        rows.Clear();
        return result;
    }

    /// <summary>Runs every batch through the whole model and returns each named layer's inputs at real tokens.</summary>
    public static Dictionary<string, Tensor> Record(ILanguageModel model, TokenData data, IReadOnlyList<string> names)
    {
        var device = model.Module.parameters().FirstOrDefault()?.device ?? CPU;
        using var recorder = new LinearInputRecorder(model, names);
        using var _ = no_grad();
        foreach (var (ids, mask) in data.Batches)
        {
            using var scope = NewDisposeScope();
            var m = mask.to(device);
            recorder.Positions = m.flatten().nonzero().squeeze(1);
            model.Forward(ids.to(device), m);
        }
        return names.ToDictionary(n => n, recorder.Take);
    }

    public void Dispose()
    {
        foreach (var remove in _removers) remove();
        foreach (var rows in _rows.Values)
            foreach (var r in rows) r.Dispose();
    }
}
