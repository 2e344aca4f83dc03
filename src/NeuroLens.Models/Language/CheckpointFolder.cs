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

    /// <summary>
    /// Reads the configuration, checks that the weights are large enough for it, creates the model and copies
    /// the folder's tensors into it (disposing it on failure).
    /// </summary>
    /// <param name="folder">The checkpoint folder.</param>
    /// <param name="read">Parses and validates the configuration (the path names it in errors).</param>
    /// <param name="parameterCount">How many values the model of a configuration holds.</param>
    /// <param name="create">Creates the model.</param>
    /// <param name="rename">Maps a file's tensor name to the module's, as <see cref="StateDict.Load"/>.</param>
    /// <param name="transposed">Tensors stored transposed, as <see cref="StateDict.Load"/>.</param>
    /// <param name="report">The tensors copied and those left unused.</param>
    public static TModel Load<TConfig, TModel>(string folder, Func<JsonObject, string, TConfig> read, Func<TConfig, double> parameterCount,
        Func<TConfig, TModel> create, Func<string, string?> rename, Func<string, bool>? transposed, out WeightLoadReport report)
        where TModel : nn.Module
    {
        var configPath = ConfigPath(folder);
        var config = read(ConfigFields.ReadObject(configPath), configPath);
        using var source = TensorFile.Open(folder);
        // A malformed config (say vocab_size 2e9) must not make the model allocate far more memory than the
        // weights could fill: a complete checkpoint holds at least every parameter.
        double stored = source.Entries.Sum(e => (double)e.ElementCount), needed = parameterCount(config);
        if (needed > 4 * stored + (1 << 24))
            throw new NeuroLensException(
                $"{configPath}: describes a model of {needed:0} parameters but the weights in {source.Path} hold {stored:0} values; check the sizes in config.json");
        var model = create(config);
        try
        {
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
