using System.Text.Json;
using NeuroLens.Core;
using NeuroLens.Core.IO;
using NeuroLens.Core.TensorFiles;
using NeuroLens.Models.Checkpoints;

namespace NeuroLens.Models.Bert;

/// <summary>
/// Loads and saves BERT models as Hugging Face checkpoint folders: <c>config.json</c> beside
/// <c>model.safetensors</c> (or a sharded <c>model.safetensors.index.json</c>). The tensors of
/// task models (<c>BertForMaskedLM</c> and the like) carry a <c>bert.</c> prefix, which is stripped;
/// their heads are reported as unexpected and ignored. Pickle weights (<c>pytorch_model.bin</c>) are
/// refused by <see cref="TensorFile"/>.
/// </summary>
public static class BertCheckpoint
{
    /// <summary>The name of the configuration file in a checkpoint folder.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>
    /// Loads the model of a checkpoint folder. The pooler is created when the checkpoint has
    /// <c>pooler.dense.weight</c>. The model is in eval mode on the CPU.
    /// </summary>
    /// <param name="folder">The checkpoint folder.</param>
    /// <param name="report">What the load found besides the tensors it copied.</param>
    /// <exception cref="NeuroLensException">The folder, its config or its weights are missing, malformed or incomplete.</exception>
    public static BertModel Load(string folder, out WeightLoadReport report)
    {
        if (!Directory.Exists(folder))
            throw new NeuroLensException($"{folder}: no such folder");
        var config = BertConfig.Read(RequireFile(folder, ConfigFileName));
        using var source = TensorFile.Open(folder);
        bool withPooler = source.Entries.Any(e => StripPrefix(e.Name) == "pooler.dense.weight");
        var model = new BertModel(config, withPooler);
        try
        {
            report = StateDict.Load(model, source, StripPrefix);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Loads the model of a checkpoint folder, ignoring unexpected tensors.</summary>
    public static BertModel Load(string folder) => Load(folder, out _);

    /// <summary>
    /// Writes <c>config.json</c> and <c>model.safetensors</c> into <paramref name="folder"/> (created if
    /// needed; each file atomically). The folder reloads with <see cref="Load(string)"/> to bit-identical
    /// weights and loads in Hugging Face transformers as a <c>BertModel</c>.
    /// </summary>
    public static void Save(BertModel model, string folder)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, ConfigFileName),
            model.Config.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        StateDict.Save(model, Path.Combine(folder, "model.safetensors"));
    }

    /// <summary>Maps a checkpoint's tensor name to the module's: strips <c>bert.</c>.</summary>
    internal static string StripPrefix(string name) => name.StartsWith("bert.", StringComparison.Ordinal) ? name[5..] : name;

    internal static string RequireFile(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        if (!File.Exists(path))
            throw new NeuroLensException($"{folder}: has no {name}; expected a Hugging Face model folder");
        return path;
    }
}
