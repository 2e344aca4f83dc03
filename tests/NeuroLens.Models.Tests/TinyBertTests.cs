using System.Text.Json.Nodes;
using NeuroLens.Core;
using NeuroLens.Core.TensorFiles;
using NeuroLens.Models.Bert;
using static TorchSharp.torch;

namespace NeuroLens.Models.Tests;

/// <summary>
/// A tiny randomly initialised BERT checkpoint, written in Hugging Face layout by the test, loads and
/// computes what a hand-written forward pass (plain tensor operations on the same weights) computes.
/// </summary>
public sealed class TinyBertTests : IDisposable
{
    private static readonly BertConfig Config = new(VocabSize: 30, HiddenSize: 8, NumHiddenLayers: 2, NumAttentionHeads: 2,
        IntermediateSize: 12, MaxPositionEmbeddings: 16, TypeVocabSize: 2, LayerNormEps: 1e-12, HiddenAct: "gelu");

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>The Hugging Face keys of a BertModel, written out by hand (not taken from the module).</summary>
    private static List<(string Name, long[] Shape)> Keys(BertConfig c)
    {
        long h = c.HiddenSize, f = c.IntermediateSize;
        var keys = new List<(string, long[])>
        {
            ("embeddings.word_embeddings.weight", [c.VocabSize, h]),
            ("embeddings.position_embeddings.weight", [c.MaxPositionEmbeddings, h]),
            ("embeddings.token_type_embeddings.weight", [c.TypeVocabSize, h]),
            ("embeddings.LayerNorm.weight", [h]), ("embeddings.LayerNorm.bias", [h]),
        };
        for (int i = 0; i < c.NumHiddenLayers; i++)
        {
            string p = $"encoder.layer.{i}.";
            foreach (var proj in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense" })
                keys.AddRange([(p + proj + ".weight", [h, h]), (p + proj + ".bias", [h])]);
            keys.AddRange([(p + "attention.output.LayerNorm.weight", [h]), (p + "attention.output.LayerNorm.bias", [h])]);
            keys.AddRange([(p + "intermediate.dense.weight", [f, h]), (p + "intermediate.dense.bias", [f])]);
            keys.AddRange([(p + "output.dense.weight", [h, f]), (p + "output.dense.bias", [h])]);
            keys.AddRange([(p + "output.LayerNorm.weight", [h]), (p + "output.LayerNorm.bias", [h])]);
        }
        keys.AddRange([("pooler.dense.weight", [h, h]), ("pooler.dense.bias", [h])]);
        return keys;
    }

    /// <summary>Writes config.json and model.safetensors with random weights; returns the weights as F32.</summary>
    private Dictionary<string, Tensor> WriteCheckpoint(string folder, string prefix = "", ScalarType dtype = ScalarType.Float32,
        string? drop = null, JsonObject? config = null)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), (config ?? Config.ToJson()).ToJsonString());
        var generator = new Generator(7);
        var weights = Keys(Config).ToDictionary(k => k.Name, k => (randn(k.Shape, generator: generator) * 0.5f).to_type(dtype));
        var written = weights.Where(kv => kv.Key != drop).Select(kv => (prefix + kv.Key, kv.Value)).ToList();
        written.Add((prefix + "cls.predictions.bias", zeros(Config.VocabSize))); // a pre-training head: unexpected, ignored
        TensorFile.Write(Path.Combine(folder, "model.safetensors"), written);
        return weights.ToDictionary(kv => kv.Key, kv => kv.Value.to_type(float32));
    }

    private static Tensor LayerNorm(Tensor x, Tensor w, Tensor b, double eps)
    {
        var mean = x.mean([-1], keepdim: true);
        var variance = (x - mean).pow(2).mean([-1], keepdim: true);
        return (x - mean) / (variance + eps).sqrt() * w + b;
    }

    /// <summary>BERT's forward written from the equations, on plain tensors.</summary>
    private static Tensor ReferenceForward(Dictionary<string, Tensor> w, Tensor ids, Tensor mask, Tensor types)
    {
        var c = Config;
        long b = ids.shape[0], t = ids.shape[1], heads = c.NumAttentionHeads, d = c.HiddenSize / heads;
        Tensor Lin(Tensor x, string name) => x.matmul(w[name + ".weight"].t()) + w[name + ".bias"];
        var x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.token_type_embeddings.weight"][types]
            + w["embeddings.position_embeddings.weight"][arange(t)];
        x = LayerNorm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], c.LayerNormEps);
        var bias = ((1 - mask.to_type(float32)) * -1e9f).view(b, 1, 1, t);
        for (int i = 0; i < c.NumHiddenLayers; i++)
        {
            string p = $"encoder.layer.{i}.";
            Tensor Split(Tensor y) => y.view(b, t, heads, d).permute(0, 2, 1, 3);
            var q = Split(Lin(x, p + "attention.self.query"));
            var k = Split(Lin(x, p + "attention.self.key"));
            var v = Split(Lin(x, p + "attention.self.value"));
            var scores = q.matmul(k.transpose(-1, -2)) / Math.Sqrt(d) + bias;
            var context = scores.softmax(-1).matmul(v).permute(0, 2, 1, 3).reshape(b, t, c.HiddenSize);
            var attended = LayerNorm(Lin(context, p + "attention.output.dense") + x,
                w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], c.LayerNormEps);
            var pre = Lin(attended, p + "intermediate.dense");
            var gelu = 0.5f * pre * (1 + (pre / Math.Sqrt(2)).erf());
            x = LayerNorm(Lin(gelu, p + "output.dense") + attended,
                w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], c.LayerNormEps);
        }
        return x;
    }

    private static (Tensor Ids, Tensor Mask, Tensor Types) Inputs()
    {
        var ids = tensor(new long[] { 2, 17, 5, 9, 29, 3, 2, 11, 3, 0, 0, 0 }, [2, 6]);
        var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0 }, [2, 6]);
        var types = tensor(new long[] { 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0 }, [2, 6]);
        return (ids, mask, types);
    }

    [Theory]
    [InlineData("", ScalarType.Float32)]
    [InlineData("bert.", ScalarType.Float32)]
    [InlineData("", ScalarType.Float16)]
    [InlineData("bert.", ScalarType.BFloat16)]
    public void LoadedCheckpointMatchesAHandWrittenForward(string prefix, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var weights = WriteCheckpoint(_folder.Path, prefix, dtype);
        using var model = BertCheckpoint.Load(_folder.Path, out var report);
        Assert.True(model.HasPooler);
        Assert.Equal([prefix + "cls.predictions.bias"], report.Unexpected);
        Assert.Equal(Keys(Config).Select(k => k.Name).Order(), model.state_dict().Keys.Order());

        var (ids, mask, types) = Inputs();
        var ours = model.Forward(ids, mask, types);
        var reference = ReferenceForward(weights, ids, mask, types);
        Assert.Equal(ScalarType.Float32, ours.dtype);
        double maxAbs = (ours - reference).abs().max().item<float>();
        Assert.True(maxAbs < 1e-5, $"max abs difference {maxAbs}");

        // The pooler: tanh(W h_[CLS] + b).
        var pooled = model.Pool(ours);
        var expected = (ours.select(1, 0).matmul(weights["pooler.dense.weight"].t()) + weights["pooler.dense.bias"]).tanh();
        Assert.True((pooled - expected).abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public void PaddingDoesNotChangeTheRealTokensOrTheMeanPooledEmbedding()
    {
        using var scope = NewDisposeScope();
        WriteCheckpoint(_folder.Path);
        using var model = BertCheckpoint.Load(_folder.Path);
        var alone = model.forward(tensor(new long[] { 2, 11, 3 }, [1, 3]), ones(1, 3, dtype: int64));
        var (ids, mask, _) = Inputs();
        var batched = model.forward(ids, mask);
        Assert.True((batched[1, ..3] - alone[0]).abs().max().item<float>() < 1e-5);
        var pooledAlone = BertModel.MeanPool(alone, ones(1, 3, dtype: int64), normalize: true);
        var pooledBatch = BertModel.MeanPool(batched, mask, normalize: true);
        Assert.True((pooledBatch[1] - pooledAlone[0]).abs().max().item<float>() < 1e-5);
        Assert.Equal(1.0, pooledBatch[1].norm().item<float>(), 5);
        var manualMean = batched[1, ..3].mean([0]);
        Assert.True((BertModel.MeanPool(batched, mask, normalize: false)[1] - manualMean).abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public void SaveThenLoadIsBitExact()
    {
        using var scope = NewDisposeScope();
        WriteCheckpoint(_folder.Path, "bert.", ScalarType.Float16);
        using var model = BertCheckpoint.Load(_folder.Path);
        var saved = Path.Combine(_folder.Path, "saved");
        BertCheckpoint.Save(model, saved);
        using var again = BertCheckpoint.Load(saved, out var report);
        Assert.Empty(report.Unexpected);
        Assert.Equal(Config, BertConfig.Read(Path.Combine(saved, "config.json")));
        var a = model.state_dict();
        foreach (var (name, tensor) in again.state_dict())
            Assert.Equal(a[name].bytes.ToArray(), tensor.bytes.ToArray());
        var (ids, mask, types) = Inputs();
        Assert.Equal(model.Forward(ids, mask, types).bytes.ToArray(), again.Forward(ids, mask, types).bytes.ToArray());
        // Saving the reloaded model gives the same file, byte for byte.
        var saved2 = Path.Combine(_folder.Path, "saved2");
        BertCheckpoint.Save(again, saved2);
        Assert.Equal(File.ReadAllBytes(Path.Combine(saved, "model.safetensors")), File.ReadAllBytes(Path.Combine(saved2, "model.safetensors")));
    }

    [Fact]
    public void AShardedCheckpointLoadsLikeASingleFile()
    {
        using var scope = NewDisposeScope();
        var weights = WriteCheckpoint(_folder.Path, "bert.");
        var sharded = Path.Combine(_folder.Path, "sharded");
        Directory.CreateDirectory(sharded);
        File.Copy(_folder.File("config.json"), Path.Combine(sharded, "config.json"));
        var index = ShardedSafetensorsWriter.Write(sharded, weights.Select(kv => ("bert." + kv.Key, kv.Value)).ToList(), maxShardBytes: 2048);
        Assert.True(Directory.GetFiles(sharded, "model-*.safetensors").Length > 1);
        Assert.EndsWith(ShardedSafetensors.IndexFileName, index);
        using var single = BertCheckpoint.Load(_folder.Path);
        using var fromShards = BertCheckpoint.Load(sharded);
        var (ids, mask, types) = Inputs();
        Assert.Equal(single.Forward(ids, mask, types).bytes.ToArray(), fromShards.Forward(ids, mask, types).bytes.ToArray());
    }

    [Fact]
    public void AMissingTensorFailsNamingIt()
    {
        using var scope = NewDisposeScope();
        WriteCheckpoint(_folder.Path, "bert.", drop: "encoder.layer.1.intermediate.dense.weight");
        var e = Assert.Throws<NeuroLensException>(() => BertCheckpoint.Load(_folder.Path));
        Assert.Contains("encoder.layer.1.intermediate.dense.weight", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AWronglyShapedTensorFailsNamingIt()
    {
        using var scope = NewDisposeScope();
        var config = Config.ToJson();
        config["intermediate_size"] = 10;
        WriteCheckpoint(_folder.Path, config: config);
        var e = Assert.Throws<NeuroLensException>(() => BertCheckpoint.Load(_folder.Path));
        Assert.Contains("intermediate.dense", e.Message);
    }

    [Fact]
    public void PickleWeightsAreRefused()
    {
        File.WriteAllText(_folder.File("config.json"), Config.ToJson().ToJsonString());
        File.WriteAllBytes(_folder.File("pytorch_model.bin"), [0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]);
        var e = Assert.ThrowsAny<NeuroLensException>(() => BertCheckpoint.Load(_folder.Path));
        Assert.Contains("pickle", e.Message);
    }

    [Fact]
    public void LinearLayerNamesAreTheCheckpointNames()
    {
        using var model = new BertModel(Config);
        var names = model.LinearLayerNames;
        Assert.Equal(12, names.Count);
        Assert.Equal("encoder.layer.0.attention.self.query", names[0]);
        Assert.Contains("encoder.layer.1.intermediate.dense", names);
        Assert.Contains("encoder.layer.1.output.dense", names);
        Assert.DoesNotContain(names, n => n.StartsWith("pooler", StringComparison.Ordinal));
        var ffn = model.GetLinear("encoder.layer.1.intermediate.dense");
        Assert.Equal(new long[] { 12, 8 }, ffn.weight!.shape);
        // The same tensor as the parameter of that checkpoint name.
        Assert.Equal(model.named_parameters().First(p => p.name == "encoder.layer.1.intermediate.dense.weight").parameter.Handle, ffn.weight.Handle);
        var e = Assert.Throws<ArgumentException>(() => model.GetLinear("encoder.layer.2.intermediate.dense"));
        Assert.Contains("encoder.layer.{0..1}", e.Message);
    }
}
