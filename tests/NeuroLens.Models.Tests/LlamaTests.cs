using System.Text.Json.Nodes;
using NeuroLens.Core;
using NeuroLens.Core.TensorFiles;
using NeuroLens.Models.Language;
using NeuroLens.Models.Llama;
using static NeuroLens.Models.Tests.CausalLmTestKit;
using static TorchSharp.torch;

namespace NeuroLens.Models.Tests;

/// <summary>
/// A tiny random Llama checkpoint (4 query heads sharing 2 key/value heads) written in Hugging Face layout
/// loads and computes what a hand-written forward pass computes: RMSNorm, full-head rotary, grouped-query
/// attention with each query head mapped to its key/value head explicitly, SwiGLU.
/// </summary>
public sealed class LlamaTests : IDisposable
{
    private const int Vocab = 40, Hidden = 32, Layers = 2, Heads = 4, KvHeads = 2, HeadDim = 8, Inner = 40, Positions = 16;
    private const double Theta = 500000, Eps = 1e-6;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static JsonObject Config(bool tied = false, bool bias = false) => new()
    {
        ["architectures"] = new JsonArray("LlamaForCausalLM"),
        ["model_type"] = "llama",
        ["vocab_size"] = Vocab,
        ["hidden_size"] = Hidden,
        ["intermediate_size"] = Inner,
        ["num_hidden_layers"] = Layers,
        ["num_attention_heads"] = Heads,
        ["num_key_value_heads"] = KvHeads,
        ["max_position_embeddings"] = Positions,
        ["rms_norm_eps"] = Eps,
        ["rope_theta"] = Theta,
        ["rope_scaling"] = null,
        ["tie_word_embeddings"] = tied,
        ["attention_bias"] = bias,
        ["mlp_bias"] = bias,
        ["hidden_act"] = "silu",
    };

    /// <summary>The keys of LlamaForCausalLM, by hand.</summary>
    private static List<(string Name, long[] Shape)> Keys(bool tied = false, bool bias = false)
    {
        var keys = new List<(string, long[])> { ("model.embed_tokens.weight", [Vocab, Hidden]) };
        void Linear(string name, long outFeatures, long inFeatures)
        {
            keys.Add((name + ".weight", [outFeatures, inFeatures]));
            if (bias) keys.Add((name + ".bias", [outFeatures]));
        }
        for (int i = 0; i < Layers; i++)
        {
            string p = $"model.layers.{i}.";
            keys.Add((p + "input_layernorm.weight", [Hidden]));
            Linear(p + "self_attn.q_proj", Heads * HeadDim, Hidden);
            Linear(p + "self_attn.k_proj", KvHeads * HeadDim, Hidden);
            Linear(p + "self_attn.v_proj", KvHeads * HeadDim, Hidden);
            Linear(p + "self_attn.o_proj", Hidden, Heads * HeadDim);
            keys.Add((p + "post_attention_layernorm.weight", [Hidden]));
            Linear(p + "mlp.gate_proj", Inner, Hidden);
            Linear(p + "mlp.up_proj", Inner, Hidden);
            Linear(p + "mlp.down_proj", Hidden, Inner);
        }
        keys.Add(("model.norm.weight", [Hidden]));
        if (!tied) keys.Add(("lm_head.weight", [Vocab, Hidden]));
        return keys;
    }

    /// <summary>Llama's forward from the equations; query head h reads key/value head h / (H / G).</summary>
    private static Tensor Reference(Dictionary<string, Tensor> w, Tensor ids, Tensor mask, bool tied)
    {
        long b = ids.shape[0], t = ids.shape[1];
        Tensor Lin(Tensor x, string name) => w.TryGetValue(name + ".bias", out var bias) ? x.matmul(w[name + ".weight"].t()) + bias : x.matmul(w[name + ".weight"].t());
        Tensor Rms(Tensor x, string name) => w[name + ".weight"] * x / (x.pow(2).mean([-1], keepdim: true) + Eps).sqrt();
        var x = w["model.embed_tokens.weight"][ids];
        for (int i = 0; i < Layers; i++)
        {
            string p = $"model.layers.{i}.";
            var n = Rms(x, p + "input_layernorm");
            var q = Rotary(Lin(n, p + "self_attn.q_proj").view(b, t, Heads, HeadDim).permute(0, 2, 1, 3), HeadDim, Theta);
            var k = Rotary(Lin(n, p + "self_attn.k_proj").view(b, t, KvHeads, HeadDim).permute(0, 2, 1, 3), HeadDim, Theta);
            var v = Lin(n, p + "self_attn.v_proj").view(b, t, KvHeads, HeadDim).permute(0, 2, 1, 3);
            var contexts = new List<Tensor>();
            for (int h = 0; h < Heads; h++)
            {
                int g = h / (Heads / KvHeads);
                contexts.Add(Attention(q[.., h..(h + 1)], k[.., g..(g + 1)], v[.., g..(g + 1)], mask)); // (B, T, D)
            }
            x = x + Lin(cat(contexts, -1), p + "self_attn.o_proj");
            var m = Rms(x, p + "post_attention_layernorm");
            var gate = Lin(m, p + "mlp.gate_proj");
            x = x + Lin(gate * gate.sigmoid() * Lin(m, p + "mlp.up_proj"), p + "mlp.down_proj");
        }
        x = Rms(x, "model.norm");
        return x.matmul(w[tied ? "model.embed_tokens.weight" : "lm_head.weight"].t());
    }

    [Theory]
    [InlineData(false, false, ScalarType.Float32)]
    [InlineData(true, false, ScalarType.Float32)]
    [InlineData(false, true, ScalarType.Float32)]
    [InlineData(false, false, ScalarType.Float16)]
    [InlineData(true, true, ScalarType.BFloat16)]
    public void LoadedCheckpointMatchesAHandWrittenForward(bool tied, bool bias, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var extra = new[] { "model.layers.0.self_attn.rotary_emb.inv_freq" };
        var weights = WriteCheckpoint(_folder.Path, Config(tied, bias), Keys(tied, bias), dtype, extra: extra);
        using var model = LanguageModels.Load(_folder.Path, out var report);
        var llama = Assert.IsType<LlamaModel>(model);
        Assert.Equal(extra, report.Unexpected);
        Assert.Equal(Keys(tied, bias).Select(k => k.Name).Order(), llama.named_parameters().Select(p => p.name).Order());

        var (ids, mask) = Inputs(Vocab);
        var ours = model.Forward(ids, mask);
        var reference = Reference(weights, ids, mask, tied);
        var real = mask.to_type(float32).unsqueeze(-1);
        double diff = MaxAbs(ours * real, reference * real);
        Assert.True(diff < 1e-4, $"max abs difference {diff}");
        Assert.True(reference.abs().max().item<float>() > 1);
    }

    [Fact]
    public void BlockwiseForwardEqualsForwardAndPaddingIsMasked()
    {
        using var scope = NewDisposeScope();
        WriteCheckpoint(_folder.Path, Config(), Keys());
        using var model = LanguageModels.Load(_folder.Path);
        var (ids, mask) = Inputs(Vocab);
        CheckBlockwiseAndPadding(model, ids, mask);
        Assert.Equal("model.layers.1", model.BlockName(1));
        Assert.Equal(["model.layers.1.mlp.gate_proj", "model.layers.1.mlp.up_proj"], model.FeedForwardGroups(1)[0]);
        Assert.Equal(["model.layers.1.mlp.down_proj"], model.FeedForwardGroups(1)[1]);
        Assert.Equal(["model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.k_proj", "model.layers.0.self_attn.v_proj",
            "model.layers.0.self_attn.o_proj", "model.layers.0.mlp.gate_proj", "model.layers.0.mlp.up_proj", "model.layers.0.mlp.down_proj"],
            model.LinearLayerNames.Take(7));
        Assert.Equal("lm_head", model.LinearLayerNames[^1]);
        Assert.Equal(new long[] { KvHeads * HeadDim, Hidden }, model.GetLinear("model.layers.0.self_attn.k_proj").weight!.shape);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SaveThenLoadIsBitExact(bool tied)
    {
        WriteCheckpoint(_folder.Path, Config(tied), Keys(tied), ScalarType.BFloat16);
        using var model = LanguageModels.Load(_folder.Path);
        var (ids, mask) = Inputs(Vocab);
        CheckSaveReload(model, _folder.Path, ids, mask);
        using var saved = TensorFile.Open(Path.Combine(_folder.Path, "saved", "model.safetensors"));
        Assert.Equal(Keys(tied).Select(k => k.Name).Order(), saved.Entries.Select(e => e.Name).Order());
    }

    [Fact]
    public void AShardedCheckpointLoadsLikeASingleFile()
    {
        var weights = WriteCheckpoint(_folder.Path, Config(), Keys());
        var (ids, mask) = Inputs(Vocab);
        CheckSharded(_folder.Path, weights, ids, mask);
    }

    [Theory]
    [InlineData("rope_scaling", "{\"rope_type\": \"llama3\", \"factor\": 8.0}", "rope_scaling type 'llama3'")]
    [InlineData("rope_scaling", "{\"type\": \"dynamic\", \"factor\": 2.0}", "rope_scaling type 'dynamic'")]
    [InlineData("num_key_value_heads", "3", "num_key_value_heads 3")]
    [InlineData("hidden_act", "\"tanh\"", "hidden_act 'tanh'")]
    [InlineData("model_type", "\"mistral\"", "model_type 'mistral'")]
    public void UnsupportedOptionsFailNamingTheFileAndField(string field, string value, string expected)
    {
        var config = Config();
        config[field] = JsonNode.Parse(value);
        WriteCheckpoint(_folder.Path, config, Keys());
        var e = Assert.Throws<NeuroLensException>(() => LanguageModels.Load(_folder.Path));
        Assert.Contains(Path.Combine(_folder.Path, "config.json"), e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ADefaultRopeScalingIsAccepted()
    {
        var config = Config();
        config["rope_scaling"] = new JsonObject { ["rope_type"] = "default" };
        WriteCheckpoint(_folder.Path, config, Keys());
        using var model = LanguageModels.Load(_folder.Path);
        Assert.Equal(Theta, ((LlamaModel)model).Config.RopeTheta);
    }

    [Fact]
    public void AMissingTensorFailsNamingIt()
    {
        WriteCheckpoint(_folder.Path, Config(), Keys(), drop: "model.layers.1.mlp.up_proj.weight");
        var e = Assert.Throws<NeuroLensException>(() => LanguageModels.Load(_folder.Path));
        Assert.Contains("model.layers.1.mlp.up_proj.weight", e.Message);
    }
}
