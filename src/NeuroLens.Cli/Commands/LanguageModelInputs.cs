using System.CommandLine;
using NeuroLens.Core;
using NeuroLens.Core.Runtime;
using NeuroLens.Models.BuiltIn;
using NeuroLens.Models.Data;
using NeuroLens.Models.Language;
using NeuroLens.Models.Tokenizers;
using TorchSharp;

namespace NeuroLens.Cli.Commands;

/// <summary>What the language-model commands share: opening a model with its tokenizer, and text batches for it.</summary>
internal static class LanguageModelInputs
{
    public static readonly string ModelHelp =
        $"A Hugging Face model folder (config.json, safetensors weights, tokenizer.json or vocab.txt) or a built-in id ({string.Join(", ", BuiltInModel.All.Select(m => m.Id))}).";

    /// <summary>The MODEL argument: a folder or a built-in id.</summary>
    public static Argument<string> ModelArgument() => new("MODEL") { Description = ModelHelp };

    /// <summary>--window: tokens per causal-LM window.</summary>
    public static Option<int?> WindowOption() =>
        new("--window") { Description = "Causal LMs: tokens per non-overlapping window (default: the model's context length).", HelpName = "L" };

    /// <summary>--batch-size: windows or texts per forward pass (default 4).</summary>
    public static Option<int> BatchSizeOption() =>
        new("--batch-size") { Description = "Windows or texts per forward pass.", DefaultValueFactory = _ => 4, HelpName = "B" };

    /// <summary>The text file's token stream cut into windows of <paramref name="length"/>; fails when not one window fits.</summary>
    public static TextWindows Windows(string dataPath, ITextTokenizer tokenizer, int length)
    {
        var windows = TextWindows.FromFile(dataPath, tokenizer, length);
        if (windows.Count == 0)
            throw new NeuroLensException($"{dataPath}: {windows.StreamLength} tokens make no window of {length}; give more text or a smaller --window");
        return windows;
    }

    /// <summary>The model (on the --device) and its tokenizer.</summary>
    public static (ILanguageModel Model, ITextTokenizer Tokenizer, string Folder) Open(string pathOrId)
    {
        var folder = ModelLocator.Resolve(pathOrId);
        var model = LanguageModels.Load(folder);
        try
        {
            var tokenizer = TokenizerLoader.Load(folder, model.MaxPositions);
            if (ComputeSettings.Device.type != DeviceType.CPU) model.Module.to(ComputeSettings.Device);
            return (model, tokenizer, folder);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The window length: the option, or the model's context length; checked against it.</summary>
    public static int WindowLength(ILanguageModel model, int? window)
    {
        int length = window ?? model.MaxPositions;
        if (length < 2 || length > model.MaxPositions)
            throw new UsageException($"--window: expected 2..{model.MaxPositions} tokens (the model's context length), got {length}");
        return length;
    }

    /// <summary>Copies the tokenizer files of a model folder into a folder a command saved a model to, so it loads back on its own.</summary>
    public static void CopyTokenizerFiles(string sourceFolder, string destinationFolder)
    {
        string[] names = ["vocab.txt", "vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"];
        Directory.CreateDirectory(destinationFolder);
        foreach (var name in names)
        {
            string source = Path.Combine(sourceFolder, name);
            if (File.Exists(source) && Path.GetFullPath(sourceFolder) != Path.GetFullPath(destinationFolder))
                File.Copy(source, Path.Combine(destinationFolder, name), overwrite: true);
        }
    }

    public static int Positive(int value, string option) =>
        value >= 1 ? value : throw new UsageException($"{option}: expected a number ≥ 1, got {value}");
}
