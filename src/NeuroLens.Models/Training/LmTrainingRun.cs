using NeuroLens.Core;
using NeuroLens.Core.Progress;
using NeuroLens.Models.Tokenizers;

namespace NeuroLens.Models.Training;

/// <summary>What <see cref="LmTrainingRun.Run"/> trained on and produced.</summary>
/// <param name="Training">The trainer's result: losses and checkpoints.</param>
/// <param name="Files">The corpus files, in reading order.</param>
/// <param name="TokenizerFolder">The run's tokenizer folder (<c>tokenizer/</c> in the output folder).</param>
/// <param name="TokenizerTrained">Whether the tokenizer was trained by this run (else copied from <c>--tokenizer</c> or kept from the resumed run).</param>
/// <param name="VocabSize">The tokenizer's vocabulary size (the model's).</param>
/// <param name="TrainTokens">Tokens of the training stream.</param>
/// <param name="ValidationTokens">Tokens held out for validation.</param>
/// <param name="Parameters">Model parameters.</param>
public sealed record LmTrainingRunResult(LmTrainingResult Training, IReadOnlyList<string> Files, string TokenizerFolder, bool TokenizerTrained,
    int VocabSize, long TrainTokens, long ValidationTokens, long Parameters);

/// <summary>
/// The whole of <c>neurolens lm train</c> below the command line: tokenizer (given, or a byte-level BPE
/// trained on the corpus and saved to <c>tokenizer/</c>), token stream and validation split
/// (<see cref="LmCorpus"/>), a GPT-NeoX model of the preset, and <see cref="LmTrainer"/>.
/// </summary>
public static class LmTrainingRun
{
    /// <summary>The tokenizer folder's name inside the output folder.</summary>
    public const string TokenizerFolderName = "tokenizer";

    /// <summary>The files of a tokenizer that are copied (from <c>--tokenizer</c>, and into every checkpoint).</summary>
    public static readonly IReadOnlyList<string> TokenizerFiles =
        ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt", "vocab.txt"];

    /// <summary>Fraction of the token stream held out for validation.</summary>
    public const double ValidationFraction = 0.05;

    /// <summary>Runs (or resumes) a training run into <paramref name="outputFolder"/>.</summary>
    /// <param name="corpus">Text files and folders.</param>
    /// <param name="tokenizer">A folder with a tokenizer (<c>tokenizer.json</c> or <c>vocab.txt</c>), or null to train a byte-level BPE.</param>
    /// <param name="vocabSize">Vocabulary of the trained BPE (ignored with <paramref name="tokenizer"/>).</param>
    /// <param name="options">The training options.</param>
    /// <param name="outputFolder">The run's folder.</param>
    /// <param name="progress">Progress of the training (tokens).</param>
    /// <param name="onCheckpoint">Called after each checkpoint.</param>
    /// <param name="cancellationToken">Stops between updates, saving the training state.</param>
    public static LmTrainingRunResult Run(IReadOnlyList<string> corpus, string? tokenizer, int vocabSize, LmTrainingOptions options, string outputFolder,
        IProgress<ProgressUpdate>? progress = null, Action<LmCheckpoint>? onCheckpoint = null, CancellationToken cancellationToken = default)
    {
        var files = LmCorpus.ResolveFiles(corpus);
        string folder = Path.Combine(outputFolder, TokenizerFolderName);
        if (!options.Resume && (Directory.Exists(folder) || Directory.Exists(Path.Combine(outputFolder, "checkpoints"))))
            throw new NeuroLensException($"{outputFolder}: already holds a training run; pass --resume to continue it or choose another --out");
        bool trained = false;
        if (tokenizer is not null)
        {
            if (!Directory.Exists(tokenizer)) throw new NeuroLensException($"--tokenizer {tokenizer}: no such folder");
            var present = TokenizerFiles.Where(f => File.Exists(Path.Combine(tokenizer, f))).ToList();
            if (present.Count == 0) throw new NeuroLensException($"--tokenizer {tokenizer}: holds none of {string.Join(", ", TokenizerFiles)}");
            if (!options.Resume || !Directory.Exists(folder))
                Core.IO.AtomicFile.WriteDirectory(folder, temp =>
                {
                    foreach (var f in present) File.Copy(Path.Combine(tokenizer, f), Path.Combine(temp, f));
                }, mayReplace: _ => false);
        }
        else if (!(options.Resume && File.Exists(Path.Combine(folder, "tokenizer.json"))))
        {
            if (options.Resume) throw new NeuroLensException($"{outputFolder}: --resume, but the run has no {TokenizerFolderName}/tokenizer.json");
            if (vocabSize < 257 || vocabSize > 1 << 20) throw new NeuroLensException($"--vocab-size {vocabSize}: expected 257 to {1 << 20}");
            progress?.Report(new ProgressUpdate("training the tokenizer", 0, 0, "files"));
            var bpe = BpeTrainer.TrainFiles(files, vocabSize);
            Core.IO.AtomicFile.WriteDirectory(folder, temp => TokenizerJson.WriteFolder(bpe, temp, BpeTrainer.EndOfText, options.Context),
                mayReplace: _ => false);
            trained = true;
        }
        var tok = TokenizerLoader.Load(folder);
        int endOfText = tok is ByteLevelBpeTokenizer b && b.FindToken(BpeTrainer.EndOfText) is int eot ? eot : tok.PadId;
        var stream = LmCorpus.Tokenize(files, tok, endOfText);
        var (train, validation) = LmCorpus.Split(stream, ValidationFraction, options.Context + 1);
        using var model = options.Preset.CreateModel(tok.VocabSize, options.Context);
        long parameters = model.parameters().Sum(p => p.numel());
        var result = new LmTrainer(options).Train(model, train, validation, outputFolder, folder, progress, onCheckpoint, cancellationToken);
        return new LmTrainingRunResult(result, files, folder, trained, tok.VocabSize, train.Length, validation.Length, parameters);
    }
}
