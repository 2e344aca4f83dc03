using System.Text.Json.Nodes;
using NeuroLens.Core;
using NeuroLens.Models.Bert;
using NeuroLens.Models.BuiltIn;
using NeuroLens.Models.Checkpoints;
using NeuroLens.Models.Gpt2;
using NeuroLens.Models.GptNeoX;
using NeuroLens.Models.Llama;

namespace NeuroLens.Models.Language;

/// <summary>
/// Opens any supported Hugging Face checkpoint folder as an <see cref="ILanguageModel"/>, choosing the
/// family from <c>config.json</c>'s <c>model_type</c> (or, when that is absent, its <c>architectures</c>).
/// </summary>
public static class LanguageModels
{
    /// <summary>The <c>model_type</c> values implemented, with the architecture-name prefix that identifies each when <c>model_type</c> is absent.</summary>
    public static IReadOnlyList<(string ModelType, string ArchitecturePrefix)> Supported { get; } =
    [
        ("bert", "Bert"),
        ("gpt_neox", "GPTNeoX"),
        ("gpt2", "GPT2"),
        ("llama", "Llama"),
    ];

    /// <summary>The family of a checkpoint folder: its <c>config.json</c>'s <c>model_type</c>.</summary>
    /// <exception cref="NeuroLensException">No config, or a model type this library does not implement (the message lists the supported ones).</exception>
    public static string ModelTypeOf(string folder)
    {
        var path = CheckpointFolder.ConfigPath(folder);
        var json = ConfigFields.ReadObject(path);
        return ModelTypeOf(json, path);
    }

    /// <summary>The family named by a parsed <c>config.json</c>; <paramref name="source"/> names it in errors.</summary>
    public static string ModelTypeOf(JsonObject json, string source)
    {
        string supported = string.Join(", ", Supported.Select(s => s.ModelType));
        var modelType = ConfigFields.Text(json, source, "model_type");
        if (modelType is null)
        {
            foreach (var (type, prefix) in Supported)
                if (ConfigFields.HasArchitecture(json, prefix)) return type;
            throw new NeuroLensException($"{source}: field model_type is missing (supported: {supported})");
        }
        if (!Supported.Any(s => s.ModelType == modelType))
            throw new NeuroLensException($"{source}: field model_type '{modelType}' is not supported (supported: {supported})");
        return modelType;
    }

    /// <summary>
    /// Loads a checkpoint folder (<c>config.json</c> + <c>model.safetensors</c> or a sharded index), in eval mode
    /// on the CPU, with F16/BF16 weights upcast to F32.
    /// </summary>
    /// <param name="folder">The Hugging Face folder.</param>
    /// <param name="report">The tensors copied and those of the file the model does not use, by name.</param>
    /// <exception cref="NeuroLensException">Unsupported model type or option, missing or misshapen tensors, malformed files.</exception>
    public static ILanguageModel Load(string folder, out WeightLoadReport report) => ModelTypeOf(folder) switch
    {
        "bert" => BertCheckpoint.Load(folder, out report),
        "gpt_neox" => GptNeoXModel.Load(folder, out report),
        "gpt2" => Gpt2Model.Load(folder, out report),
        "llama" => LlamaModel.Load(folder, out report),
        var other => throw new InvalidOperationException($"model type {other} has no loader"),
    };

    /// <summary>Loads a checkpoint folder, ignoring unexpected tensors.</summary>
    public static ILanguageModel Load(string folder) => Load(folder, out _);

    /// <summary>Loads a model folder or a built-in model id (<see cref="ModelLocator.Resolve"/>).</summary>
    /// <param name="pathOrId">A Hugging Face folder or a built-in id such as <c>minilm</c>.</param>
    /// <param name="cacheRoot">Where built-in models are cached (null: the default cache).</param>
    public static ILanguageModel Open(string pathOrId, string? cacheRoot = null) => Load(ModelLocator.Resolve(pathOrId, cacheRoot));
}
