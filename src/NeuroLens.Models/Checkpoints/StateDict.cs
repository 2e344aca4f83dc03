using NeuroLens.Core;
using NeuroLens.Core.TensorFiles;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Models.Checkpoints;

/// <summary>What a weight load found besides the tensors it copied.</summary>
/// <param name="Loaded">How many of the module's tensors were copied.</param>
/// <param name="Unexpected">Tensors of the file that the module has no parameter for (e.g. a
/// pre-training head), by their name in the file; they are ignored, as transformers ignores them.</param>
public sealed record WeightLoadReport(int Loaded, IReadOnlyList<string> Unexpected);

/// <summary>
/// Name-to-tensor copies between a TorchSharp module's state dictionary and tensor files, the way
/// Hugging Face checkpoints are loaded and saved: every parameter and persistent buffer of the module
/// must be found under its own name (after <c>rename</c>), with the same shape; F16 and BF16 tensors are
/// upcast to the module's dtype (F32).
/// </summary>
public static class StateDict
{
    /// <summary>
    /// Copies every tensor of <paramref name="module"/>'s state dictionary from <paramref name="source"/>.
    /// </summary>
    /// <param name="module">The module to fill; its tensors keep their dtype and device.</param>
    /// <param name="source">An opened safetensors file or sharded checkpoint.</param>
    /// <param name="rename">Maps a file's tensor name to the module's name (e.g. strips a <c>bert.</c> prefix); null to skip the tensor.</param>
    /// <param name="transposed">Which of the module's tensors (by module name) the file stores transposed
    /// (GPT-2's Conv1D weights, [in, out] in the file, [out, in] in an <c>nn.Linear</c>); null: none.</param>
    /// <returns>The count copied and the file's tensors the module did not use.</returns>
    /// <exception cref="NeuroLensException">Tensors are missing (all named, on one line) or have the wrong shape.</exception>
    public static WeightLoadReport Load(nn.Module module, ITensorSource source, Func<string, string?> rename,
        Func<string, bool>? transposed = null)
    {
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        var state = module.state_dict();
        foreach (var entry in source.Entries)
        {
            var name = rename(entry.Name);
            if (name is not null && state.ContainsKey(name)) byName.TryAdd(name, entry.Name);
            else unexpected.Add(entry.Name);
        }
        var missing = state.Keys.Where(k => !byName.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new NeuroLensException($"{source.Path}: missing {missing.Count} tensor(s) the model needs: {string.Join(", ", missing)}");
        using (no_grad())
        {
            foreach (var (name, target) in state)
            {
                var fileName = byName[name];
                var entry = source.GetEntry(fileName);
                bool flip = transposed?.Invoke(name) == true && target.dim() == 2;
                long[] expected = flip ? [target.shape[1], target.shape[0]] : target.shape;
                if (!entry.Shape.SequenceEqual(expected))
                    throw new NeuroLensException(
                        $"{source.Path}: tensor '{fileName}' has shape {entry.ShapeText}, the model needs ({string.Join(", ", expected)})");
                if (entry.DType is not (DType.F32 or DType.F16 or DType.BF16 or DType.F64))
                    throw new NeuroLensException($"{source.Path}: tensor '{fileName}' is {entry.DType}; weights must be F32, F16, BF16 or F64");
                using var read = source.ReadTensor(fileName);
                using var oriented = flip ? read.t() : read.alias();
                target.copy_(oriented); // copy_ converts F16/BF16/F64 to the parameter's dtype and device
            }
        }
        return new WeightLoadReport(state.Count, unexpected);
    }

    /// <summary>
    /// Writes <paramref name="module"/>'s state dictionary to one safetensors file, atomically, under the
    /// module's own names, in F32 (or the parameters' own dtype), with <c>{"format": "pt"}</c> metadata
    /// as transformers writes it.
    /// </summary>
    /// <param name="module">The module to save.</param>
    /// <param name="path">The safetensors file to write.</param>
    /// <param name="transposed">Which tensors (by module name) to write transposed, as in <see cref="Load"/>; null: none.</param>
    public static void Save(nn.Module module, string path, Func<string, bool>? transposed = null)
    {
        var state = module.state_dict();
        var tensors = state.Select(kv => (kv.Key, transposed?.Invoke(kv.Key) == true && kv.Value.dim() == 2
            ? kv.Value.detach().t().contiguous() : kv.Value.detach())).ToList();
        try
        {
            SafetensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        }
        finally
        {
            foreach (var (_, t) in tensors) t.Dispose();
        }
    }
}
