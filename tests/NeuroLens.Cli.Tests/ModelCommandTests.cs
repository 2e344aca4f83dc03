using System.Text.Json;
using NeuroLens.Models.Bert;
using NeuroLens.Models.BuiltIn;
using NeuroLens.Models.Gpt2;
using NeuroLens.Models.GptNeoX;
using NeuroLens.Models.Language;
using NeuroLens.Models.Llama;
using NeuroLens.Models.Tokenizers;
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

/// <summary><c>model info</c> and <c>model run</c> on tiny random causal LMs of every family, saved by the test.</summary>
public sealed class CausalModelCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neurolens-cli-lm-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Save(string family, int vocab = 50)
    {
        var path = Path.Combine(_folder, family);
        manual_seed(5);
        using ILanguageModel model = family switch
        {
            "gpt_neox" => new GptNeoXModel(new GptNeoXConfig(vocab, HiddenSize: 16, NumHiddenLayers: 2, NumAttentionHeads: 2, IntermediateSize: 24, MaxPositionEmbeddings: 32)),
            "gpt2" => new Gpt2Model(new Gpt2Config(vocab, NEmbd: 16, NLayer: 2, NHead: 2, NPositions: 32)),
            _ => new LlamaModel(new LlamaConfig(vocab, HiddenSize: 16, IntermediateSize: 24, NumHiddenLayers: 2, NumAttentionHeads: 4, NumKeyValueHeads: 2, MaxPositionEmbeddings: 32)),
        };
        model.Save(path);
        return path;
    }

    [Theory]
    [InlineData("gpt_neox", "gpt_neox.layers.1.attention.query_key_value", "2 layers, hidden 16, 2 heads, FFN 24")]
    [InlineData("gpt2", "transformer.h.1.mlp.c_fc", "2 layers, hidden 16, 2 heads, FFN 64")]
    [InlineData("llama", "model.layers.1.mlp.gate_proj", "2 layers, hidden 16, 4 heads (2 key/value), FFN 24")]
    public void InfoDescribesEveryFamily(string family, string linear, string sizes)
    {
        var folder = Save(family);
        var r = CliRunner.Run("model", "info", folder, "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal(family, root.GetProperty("architecture").GetString());
        Assert.Equal(16, root.GetProperty("hidden_size").GetInt32());
        Assert.Equal(2, root.GetProperty("num_hidden_layers").GetInt32());
        Assert.Equal(50, root.GetProperty("vocab_size").GetInt32());
        using var model = LanguageModels.Load(folder);
        Assert.Equal(model.Module.parameters().Sum(p => p.numel()), root.GetProperty("parameters").GetInt64());
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(2, layers.Count);
        var names = layers[1].GetProperty("linear").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains(linear, names);
        Assert.Equal(model.LinearLayerNames.Where(n => n.StartsWith(model.BlockName(1) + ".", StringComparison.Ordinal)), names);

        var human = CliRunner.Run("model", "info", folder);
        Assert.Equal(0, human.ExitCode);
        Assert.Contains(sizes, human.Stdout);
    }

    [Fact]
    public void RunPrintsTheNextTokenTopKOfATextWithItsProbabilities()
    {
        var texts = Enumerable.Range(0, 20).Select(i => $"the cat sat on the mat {i}. the dog ran to the cat.").ToList();
        var tokenizer = BpeTrainer.TrainTexts(texts, vocabSize: 300);
        var folder = Save("gpt_neox", tokenizer.VocabSize);
        TokenizerJson.WriteFolder(tokenizer, folder, "<|endoftext|>");

        var r = CliRunner.Run("model", "run", folder, "--text", "the cat sat", "--top-k", "3", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var entry = Assert.Single(doc.RootElement.EnumerateArray());
        var ids = tokenizer.Encode("the cat sat").ToArray();
        Assert.Equal(ids, entry.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32()));
        var next = entry.GetProperty("next").EnumerateArray().ToList();
        Assert.Equal(3, next.Count);

        // The same as softmax of the model's last-position logits, computed here.
        using var model = LanguageModels.Load(folder);
        using var input = tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Length]);
        using var logits = model.Forward(input, ones_like(input));
        var p = logits[0, -1].softmax(0).data<float>().ToArray();
        var expected = p.Select((v, i) => (v, i)).OrderByDescending(x => x.v).Take(3).ToList();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i].i, next[i].GetProperty("id").GetInt32());
            Assert.Equal(expected[i].v, next[i].GetProperty("probability").GetDouble(), 5);
            Assert.Equal(tokenizer.Decode([expected[i].i]), next[i].GetProperty("token").GetString());
        }

        var human = CliRunner.Run("model", "run", folder, "--text", "the cat sat");
        Assert.Equal(0, human.ExitCode);
        Assert.Contains("Next-token top 5", human.Stdout);
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    public void RunAcceptsTokenIdsWithoutATokenizer(string family)
    {
        var folder = Save(family);
        var r = CliRunner.Run("model", "run", folder, "--ids", "1,2,3", "--ids", "7", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var entries = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        var probabilities = entries[0].GetProperty("next").EnumerateArray().Select(e => e.GetProperty("probability").GetDouble()).ToList();
        Assert.Equal(5, probabilities.Count);
        Assert.Equal(probabilities.OrderDescending(), probabilities);
        Assert.Equal(2, CliRunner.Run("model", "run", folder, "--ids", "1,x").ExitCode);
        Assert.Equal(2, CliRunner.Run("model", "run", folder, "--ids", "1,50").ExitCode); // outside the vocabulary
    }

    [Fact]
    public void AnUnsupportedModelTypeIsOneLineNamingTheSupportedOnes()
    {
        var folder = Path.Combine(_folder, "t5");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), "{\"model_type\": \"t5\"}");
        var r = CliRunner.Run("model", "info", folder);
        Assert.Equal(1, r.ExitCode);
        var line = Assert.Single(r.ErrorLines);
        Assert.Contains("model_type 't5'", line);
        Assert.Contains("gpt_neox", line);
    }
}
