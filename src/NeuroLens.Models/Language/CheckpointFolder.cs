using System.Text.Json;
using System.Text.Json.Nodes;
using NeuroLens.Core;
using NeuroLens.Core.IO;
using NeuroLens.Core.TensorFiles;
using NeuroLens.Models.Checkpoints;
using static TorchSharp.torch;

namespace NeuroLens.Models.Language;

/// <summary>
/// Loading and saving a causal family's Hugging Face folder: <c>config.json</c> beside
/// <c>model.safetensors</c> or a sharded <c>model.safetensors.index.json</c>.
/// </summary>
internal static class CheckpointFolder
{
    /// <summary>The folder's <c>config.json</c> path; fails naming the folder when it is absent.</summary>
    public static string ConfigPath(string folder)
    {
        if (!Directory.Exists(folder))
            throw new NeuroLensException($"{folder}: no such folder");
        var path = Path.Combine(folder, "config.json");
        if (!File.Exists(path))
            throw new NeuroLensException($"{folder}: has no config.json; expected a Hugging Face model folder");
        return path;
    }

    /// <summary>Creates the model from the configuration and copies the folder's tensors into it (disposing it on failure).</summary>
    public static TModel Load<TModel>(string folder, Func<JsonObject, string, TModel> create, Func<string, string?> rename,
        Func<string, bool>? transposed, out WeightLoadReport report) where TModel : nn.Module
    {
        var configPath = ConfigPath(folder);
        var config = ConfigFields.ReadObject(configPath);
        var model = create(config, configPath);
        try
        {
            using var source = TensorFile.Open(folder);
            report = StateDict.Load(model, source, rename, transposed);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Writes <c>config.json</c> and <c>model.safetensors</c> (each atomically) into <paramref name="folder"/>.</summary>
    public static void Save(nn.Module model, JsonObject config, string folder, Func<string, bool>? transposed = null)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, "config.json"),
            config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        StateDict.Save(model, Path.Combine(folder, "model.safetensors"), transposed);
    }
}
