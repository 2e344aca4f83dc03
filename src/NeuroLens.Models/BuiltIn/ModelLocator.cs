using System.Text.Json.Nodes;
using NeuroLens.Core;
using NeuroLens.Core.IO;
using NeuroLens.Models.Bert;
using NeuroLens.Models.Onnx;
using NeuroLens.Models.Tokenizers;

namespace NeuroLens.Models.BuiltIn;

/// <summary>
/// Turns what a user typed for a model — a Hugging Face folder or a built-in id — into a folder.
/// Built-in models are imported from their package's ONNX graph on first use and cached as a standard
/// Hugging Face folder (<c>config.json</c>, <c>model.safetensors</c>, <c>vocab.txt</c>,
/// <c>tokenizer_config.json</c>, and sentence-transformers' <c>1_Pooling/config.json</c>) under
/// <see cref="DefaultCacheRoot"/><c>/models/{id}-{package version}</c>, written atomically so that an
/// interrupted import never leaves a folder that looks whole.
/// </summary>
public static class ModelLocator
{
    private static readonly object Gate = new();

    /// <summary>
    /// The cache root: <c>$NEUROLENS_CACHE</c>, else <c>$XDG_CACHE_HOME/neurolens</c>, else
    /// <c>~/.cache/neurolens</c>.
    /// </summary>
    public static string DefaultCacheRoot =>
        Environment.GetEnvironmentVariable("NEUROLENS_CACHE") is { Length: > 0 } explicitRoot ? explicitRoot
        : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? Path.Combine(xdg, "neurolens")
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "neurolens");

    /// <summary>
    /// The model folder for <paramref name="pathOrId"/>: an existing folder is returned as given; a
    /// built-in id (<c>minilm</c>, <c>arctic-xs</c>) is imported into the cache if needed.
    /// </summary>
    /// <param name="pathOrId">A folder path or a built-in model id.</param>
    /// <param name="cacheRoot">The cache root (null: <see cref="DefaultCacheRoot"/>).</param>
    /// <exception cref="NeuroLensException">Neither a folder nor a built-in id.</exception>
    public static string Resolve(string pathOrId, string? cacheRoot = null)
    {
        if (Directory.Exists(pathOrId)) return pathOrId;
        var builtIn = BuiltInModel.Find(pathOrId) ?? throw new NeuroLensException(
            $"{pathOrId}: no such model folder, and not a built-in model id (built-in: {string.Join(", ", BuiltInModel.All.Select(m => m.Id))})");
        return Import(builtIn, cacheRoot ?? DefaultCacheRoot);
    }

    /// <summary>Imports a built-in model into the cache under <paramref name="cacheRoot"/> unless it is there already; returns its folder.</summary>
    public static string Import(BuiltInModel model, string cacheRoot)
    {
        var folder = Path.Combine(cacheRoot, "models", $"{model.Id}-{model.PackageVersion}");
        lock (Gate)
        {
            if (File.Exists(Path.Combine(folder, "model.safetensors"))) return folder;
            var source = $"{model.AssemblyName}:{model.ResourcePrefix}model.onnx";
            var graph = OnnxGraph.Parse(model.ReadOnnx(), source);
            var config = OnnxBertImporter.InferConfig(graph, source, model.NumAttentionHeads, model.LayerNormEps);
            var tensors = OnnxBertImporter.StateDict(graph, source);
            try
            {
                AtomicFile.WriteDirectory(folder, temp =>
                {
                    using (var bert = new BertModel(config, withPooler: tensors.Any(t => t.Name == "pooler.dense.weight")))
                    {
                        var state = bert.state_dict();
                        using (TorchSharp.torch.no_grad())
                            foreach (var (name, tensor) in tensors)
                                if (state.TryGetValue(name, out var target)) target.copy_(tensor);
                                else throw new NeuroLensException($"{source}: initializer '{name}' matches no BERT parameter");
                        if (tensors.Count != state.Count)
                            throw new NeuroLensException($"{source}: missing {string.Join(", ", state.Keys.Except(tensors.Select(t => t.Name)))}");
                        BertCheckpoint.Save(bert, temp);
                    }
                    File.WriteAllBytes(Path.Combine(temp, "vocab.txt"), model.ReadVocab());
                    File.WriteAllText(Path.Combine(temp, "tokenizer_config.json"), new JsonObject
                    {
                        ["tokenizer_class"] = "BertTokenizer",
                        ["do_lower_case"] = true,
                        ["model_max_length"] = model.MaxSeqLength,
                    }.ToJsonString() + "\n");
                    SentenceEncoder.WritePooling(temp, config.HiddenSize, model.Pooling);
                }, mayReplace: _ => true);
            }
            finally
            {
                foreach (var (_, t) in tensors) t.Dispose();
            }
            return folder;
        }
    }
}
