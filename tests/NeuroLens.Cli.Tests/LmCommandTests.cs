using System.Text.Json;
using NeuroLens.Models.Bert;
using NeuroLens.Models.Capture;
using NeuroLens.Models.Data;
using NeuroLens.Models.Evaluation;
using NeuroLens.Models.GptNeoX;
using NeuroLens.Models.Language;
using NeuroLens.Models.Tokenizers;
using static TorchSharp.torch;

namespace NeuroLens.Cli.Tests;

/// <summary><c>lm eval</c> and <c>capture</c> on tiny random models saved as Hugging Face folders with their tokenizers.</summary>
public sealed class LmCommandTests : IDisposable
{
    private const string Corpus = "the cat sat on the mat. a dog ran in the park. the red bird sang a song.\n"
        + "the cat and the dog sat in the sun. a bird ran on the mat. the song of the cat.\n";

    private readonly string _folder = Directory.CreateTempSubdirectory("neurolens-cli-lm-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string File(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private string TinyNeoX()
    {
        var path = Path.Combine(_folder, "neox");
        var tokenizer = BpeTrainer.TrainTexts([Corpus], vocabSize: 300, specialTokens: ["<|endoftext|>"], minFrequency: 1);
        manual_seed(5);
        using var model = new GptNeoXModel(new GptNeoXConfig(VocabSize: tokenizer.VocabSize, HiddenSize: 16, NumHiddenLayers: 2,
            NumAttentionHeads: 2, IntermediateSize: 32, MaxPositionEmbeddings: 32));
        model.Save(path);
        TokenizerJson.WriteFolder(tokenizer, path, "<|endoftext|>", 32);
        return path;
    }

    private string TinyBert(string name, int seed)
    {
        var path = Path.Combine(_folder, name);
        manual_seed(seed);
        using var model = new BertModel(new BertConfig(VocabSize: 14, HiddenSize: 8, NumHiddenLayers: 2, NumAttentionHeads: 2,
            IntermediateSize: 16, MaxPositionEmbeddings: 32));
        BertCheckpoint.Save(model, path);
        System.IO.File.WriteAllLines(Path.Combine(path, "vocab.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "dog", "ran", ".", "a", "bird", "mat"]);
        return path;
    }

    [Fact]
    public void EvalGivesThePerplexityOfTheWindows()
    {
        var model = TinyNeoX();
        var text = File("text.txt", Corpus);
        var outDir = Path.Combine(_folder, "out");
        var r = CliRunner.Run("lm", "eval", model, "--data", text, "--window", "8", "--batch-size", "3", "--json", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;

        using var lm = LanguageModels.Load(model);
        var windows = TextWindows.FromFile(text, TokenizerLoader.Load(model), 8);
        var expected = Perplexity.Evaluate(lm, windows.Batches(1));
        Assert.Equal(windows.Count, root.GetProperty("windows").GetInt32());
        Assert.Equal(windows.Count * 7, root.GetProperty("predictions").GetInt64());
        Assert.Equal(expected.Value, root.GetProperty("perplexity").GetDouble(), 4);
        Assert.True(expected.Value > 1);
        Assert.True(System.IO.File.Exists(Path.Combine(outDir, "results.json")));
        Assert.Equal(windows.Count + 1, System.IO.File.ReadAllLines(Path.Combine(outDir, "windows.csv")).Length);

        var limited = CliRunner.Run("lm", "eval", model, "--data", text, "--window", "8", "--max-windows", "2", "--json", "--out", outDir);
        using var limitedDoc = JsonDocument.Parse(limited.Stdout);
        Assert.Equal(2, limitedDoc.RootElement.GetProperty("windows").GetInt32());

        var human = CliRunner.Run("lm", "eval", model, "--data", text, "--window", "8", "--out", outDir);
        Assert.Contains("perplexity ", human.Stdout);
        Assert.Equal(2, CliRunner.Run("lm", "eval", model, "--data", text, "--window", "64", "--out", outDir).ExitCode);
    }

    [Fact]
    public void EvalOfAnEncoderGivesFidelityToTheReferenceAndRetrieval()
    {
        var model = TinyBert("bert", 1);
        var other = TinyBert("other", 2);
        var text = File("lines.txt", "the cat sat\n\na dog ran .\nthe bird\ncat mat\n");
        var pairs = File("pairs.tsv", "the cat\tthe cat\na dog ran\ta dog ran\nthe bird sat\tthe bird sat\n");
        var outDir = Path.Combine(_folder, "out");
        var same = CliRunner.Run("lm", "eval", model, "--data", text, "--reference", model, "--pairs", pairs, "--json", "--out", outDir);
        Assert.True(same.ExitCode == 0, same.Stderr);
        using (var doc = JsonDocument.Parse(same.Stdout))
        {
            Assert.Equal(4, doc.RootElement.GetProperty("texts").GetInt32());
            Assert.Equal(1.0, doc.RootElement.GetProperty("fidelity").GetDouble(), 6);
            Assert.Equal(1.0, doc.RootElement.GetProperty("retrieval").GetProperty("top1_accuracy").GetDouble());
        }
        var different = CliRunner.Run("lm", "eval", model, "--data", text, "--reference", other, "--json", "--out", outDir);
        using (var doc = JsonDocument.Parse(different.Stdout))
            Assert.True(doc.RootElement.GetProperty("fidelity").GetDouble() < 0.999);
        Assert.Equal(5, System.IO.File.ReadAllLines(Path.Combine(outDir, "cosines.csv")).Length);

        var missing = CliRunner.Run("lm", "eval", model, "--data", text, "--out", outDir);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--reference", missing.Stderr);
    }

    [Fact]
    public void CaptureWritesAShardFolderEqualToTheLibraryCapture()
    {
        var model = TinyNeoX();
        var text = File("text.txt", Corpus);
        var outDir = Path.Combine(_folder, "capture");
        var r = CliRunner.Run("capture", model, "--data", text, "--sites", "gpt_neox.layers.*.mlp.dense_h_to_4h", "resid_post.1",
            "--window", "8", "--tokens", "20", "--budget-mb", "1", "--json", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using (var doc = JsonDocument.Parse(r.Stdout))
        {
            Assert.Equal(20, doc.RootElement.GetProperty("rows").GetInt64());
            Assert.Equal(3, doc.RootElement.GetProperty("sites").GetArrayLength());
        }
        using var fromCli = CaptureSet.Open(outDir);
        using var lm = LanguageModels.Load(model);
        var windows = TextWindows.FromFile(text, TokenizerLoader.Load(model), 8);
        using var expected = ActivationCapture.Run(lm, windows.Batches(2), new CaptureOptions
        {
            Sites = ["gpt_neox.layers.*.mlp.dense_h_to_4h", "resid_post.1"], MaxTokens = 20,
        });
        Assert.Equal(expected.Sites.Select(s => s.Name), fromCli.Sites.Select(s => s.Name));
        foreach (var site in expected.Sites)
        {
            var a = site.ReadAll();
            var b = fromCli[site.Name].ReadAll();
            Assert.Equal(a.Length, b.Length);
            Assert.True(a.Zip(b).Max(p => Math.Abs(p.First - p.Second)) < 1e-5);
        }
        Assert.Equal(expected.ReadAllTokens(), fromCli.ReadAllTokens());
        Assert.Equal(windows.Window(2)[..4], fromCli.ReadTokens(16, 4).Select(t => t.TokenId));
        Assert.True(System.IO.File.Exists(Path.Combine(outDir, "results.json")));
    }

    [Fact]
    public void CaptureOfAnEncoderReadsLinesAndAWrongSiteFailsInOneLine()
    {
        var model = TinyBert("bert", 3);
        var text = File("lines.txt", "the cat sat\na dog ran .\n");
        var outDir = Path.Combine(_folder, "capture");
        var r = CliRunner.Run("capture", model, "--data", text, "--sites", "encoder.layer.0.intermediate.dense:both", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using (var set = CaptureSet.Open(outDir))
        {
            Assert.Equal(5 + 6, set.RowCount); // [CLS] the cat sat [SEP], [CLS] a dog ran . [SEP]
            Assert.Equal(8, set["encoder.layer.0.intermediate.dense:input"].Width);
            Assert.Equal(16, set["encoder.layer.0.intermediate.dense:output"].Width);
        }
        var bad = CliRunner.Run("capture", model, "--data", text, "--sites", "encoder.*.dense", "--out", outDir);
        Assert.Equal(1, bad.ExitCode);
        Assert.Single(bad.ErrorLines);
        Assert.Contains("no linear layer matches", bad.Stderr);
    }
}
