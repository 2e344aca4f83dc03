using System.Text.Json;
using NeuroLens.Models.Bert;
using NeuroLens.Models.BuiltIn;
using static TorchSharp.torch;

namespace NeuroLens.Cli.Tests;

public sealed class ModelCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neurolens-cli-model-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A tiny random BERT folder with a vocabulary of its own.</summary>
    private string TinyModel()
    {
        var path = Path.Combine(_folder, "tiny");
        manual_seed(3);
        using var model = new BertModel(new BertConfig(VocabSize: 12, HiddenSize: 8, NumHiddenLayers: 2, NumAttentionHeads: 2,
            IntermediateSize: 16, MaxPositionEmbeddings: 32));
        BertCheckpoint.Save(model, path);
        File.WriteAllLines(Path.Combine(path, "vocab.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "dog", "ran", ".", "a"]);
        return path;
    }

    [Fact]
    public void InfoListsSizesAndLinearLayerNames()
    {
        var r = CliRunner.Run("model", "info", TinyModel(), "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal("bert", root.GetProperty("architecture").GetString());
        Assert.Equal(8, root.GetProperty("hidden_size").GetInt32());
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(2, layers.Count);
        Assert.Equal(
            ["encoder.layer.1.attention.self.query", "encoder.layer.1.attention.self.key", "encoder.layer.1.attention.self.value",
             "encoder.layer.1.attention.output.dense", "encoder.layer.1.intermediate.dense", "encoder.layer.1.output.dense"],
            layers[1].GetProperty("linear").EnumerateArray().Select(e => e.GetString()));

        var human = CliRunner.Run("model", "info", TinyModel());
        Assert.Equal(0, human.ExitCode);
        Assert.Contains("2 layers, hidden 8, 2 heads, FFN 16", human.Stdout);
    }

    [Fact]
    public void InfoDescribesAFolderWithoutAVocabulary()
    {
        var folder = TinyModel();
        File.Delete(Path.Combine(folder, "vocab.txt"));
        var r = CliRunner.Run("model", "info", folder, "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("max_tokens").ValueKind);
        Assert.Equal(2, doc.RootElement.GetProperty("num_hidden_layers").GetInt32());
    }

    [Fact]
    public void RunPrintsTheMeanPooledEmbeddingOfEachText()
    {
        var folder = TinyModel();
        var r = CliRunner.Run("model", "run", folder, "--text", "the cat sat.", "--text", "a dog ran", "--json", "--normalize", "false");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var embeddings = doc.RootElement.GetProperty("embeddings").EnumerateArray().ToList();
        Assert.Equal(2, embeddings.Count);
        Assert.Equal("mean", doc.RootElement.GetProperty("pooling").GetString());
        var first = embeddings[0].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal(8, first.Length);

        // The same numbers as the library's masked mean over [CLS] the cat sat . [SEP].
        using var encoder = SentenceEncoder.Open(folder);
        using var ids = tensor(new long[] { 2, 5, 6, 7, 10, 3 }, [1, 6]);
        using var mask = ones(1, 6, dtype: int64);
        using var hidden = encoder.Model.forward(ids, mask);
        using var mean = hidden.mean([1]);
        var expected = mean.data<float>().ToArray();
        for (int i = 0; i < 8; i++) Assert.Equal(expected[i], first[i], 4);
    }

    [Fact]
    public void RunsTheBuiltInMiniLM()
    {
        var cache = Path.Combine(_folder, "cache");
        var folder = ModelLocator.Resolve("minilm", cache);
        var r = CliRunner.Run("model", "run", folder, "--text", "A man is eating food.", "--text", "A man is eating a meal.",
            "--text", "The stock market fell today.", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var e = doc.RootElement.GetProperty("embeddings").EnumerateArray()
            .Select(x => x.GetProperty("embedding").EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        Assert.Equal(384, e[0].Length);
        double Cos(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();
        Assert.Equal(1.0, Cos(e[0], e[0]), 4); // normalised
        Assert.True(Cos(e[0], e[1]) > Cos(e[0], e[2]) + 0.3, $"paraphrase {Cos(e[0], e[1]):F3} vs unrelated {Cos(e[0], e[2]):F3}");
    }

    [Fact]
    public void AnUnknownModelIsOneLineAndExitCode1()
    {
        var r = CliRunner.Run("model", "info", Path.Combine(_folder, "nope"));
        Assert.Equal(1, r.ExitCode);
        var line = Assert.Single(r.ErrorLines);
        Assert.Contains("not a built-in model id", line);
        Assert.Contains("minilm", line);
    }

    [Fact]
    public void RunWithoutTextIsAUsageError() =>
        Assert.Equal(2, CliRunner.Run("model", "run", "minilm").ExitCode);
}
