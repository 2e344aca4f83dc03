using System.Text.Json.Nodes;
using NeuroLens.Core;
using NeuroLens.Models.GptNeoX;
using NeuroLens.Models.Language;
using static NeuroLens.Models.Tests.CausalLmTestKit;
using static TorchSharp.torch;

namespace NeuroLens.Models.Tests;

/// <summary>
/// A tiny random GPT-NeoX checkpoint written in Hugging Face layout loads and computes what a hand-written
/// forward pass computes: fused head-interleaved QKV, partial rotary (rotary_pct 0.25, reproduced with
/// explicit cos/sin), parallel and sequential residual, untied embed_out.
/// </summary>
public sealed class GptNeoXTests : IDisposable
{
    private const int Vocab = 40, Hidden = 32, Layers = 2, Heads = 2, Inner = 24, Positions = 16;
    private const double Theta = 10000, Eps = 1e-5;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A config.json as transformers writes Pythia's (older field names rotary_pct, rotary_emb_base).</summary>
    private static JsonObject Config(bool parallel = true, bool tied = false) => new()
    {
        ["architectures"] = new JsonArray("GPTNeoXForCausalLM"),
        ["model_type"] = "gpt_neox",
        ["vocab_size"] = Vocab,
        ["hidden_size"] = Hidden,
        ["num_hidden_layers"] = Layers,
        ["num_attention_heads"] = Heads,
        ["intermediate_size"] = Inner,
        ["max_position_embeddings"] = Positions,
        ["rotary_pct"] = 0.25,
        ["rotary_emb_base"] = Theta,
        ["layer_norm_eps"] = Eps,
        ["use_parallel_residual"] = parallel,
        ["hidden_act"] = "gelu",
        ["tie_word_embeddings"] = tied,
        ["torch_dtype"] = "float16",
    };

    /// <summary>The keys of GPTNeoXForCausalLM, by hand.</summary>
    private static List<(string Name, long[] Shape)> Keys(bool tied = false)
    {
        var keys = new List<(string, long[])> { ("gpt_neox.embed_in.weight", [Vocab, Hidden]) };
        for (int i = 0; i < Layers; i++)
        {
            string p = $"gpt_neox.layers.{i}.";
            keys.AddRange([
                (p + "input_layernorm.weight", [Hidden]), (p + "input_layernorm.bias", [Hidden]),
                (p + "post_attention_layernorm.weight", [Hidden]), (p + "post_attention_layernorm.bias", [Hidden]),
                (p + "attention.query_key_value.weight", [3 * Hidden, Hidden]), (p + "attention.query_key_value.bias", [3 * Hidden]),
                (p + "attention.dense.weight", [Hidden, Hidden]), (p + "attention.dense.bias", [Hidden]),
                (p + "mlp.dense_h_to_4h.weight", [Inner, Hidden]), (p + "mlp.dense_h_to_4h.bias", [Inner]),
                (p + "mlp.dense_4h_to_h.weight", [Hidden, Inner]), (p + "mlp.dense_4h_to_h.bias", [Hidden])]);
        }
        keys.AddRange([("gpt_neox.final_layer_norm.weight", [Hidden]), ("gpt_neox.final_layer_norm.bias", [Hidden])]);
        if (!tied) keys.Add(("embed_out.weight", [Vocab, Hidden]));
        return keys;
    }

    /// <summary>Buffers of older Pythia checkpoints, which the model must ignore.</summary>
    private static readonly string[] OldBuffers =
        ["gpt_neox.layers.0.attention.bias", "gpt_neox.layers.0.attention.masked_bias", "gpt_neox.layers.1.attention.rotary_emb.inv_freq"];

    /// <summary>GPT-NeoX's forward from the equations, on plain tensors.</summary>
    private static Tensor Reference(Dictionary<string, Tensor> w, Tensor ids, Tensor mask, bool parallel, bool tied)
    {
        long b = ids.shape[0], t = ids.shape[1], d = Hidden / Heads;
        int r = (int)(d * 0.25);
        Tensor Lin(Tensor x, string name) => x.matmul(w[name + ".weight"].t()) + w[name + ".bias"];
        Tensor Ln(Tensor x, string name) => LayerNorm(x, w[name + ".weight"], w[name + ".bias"], Eps);
        var x = w["gpt_neox.embed_in.weight"][ids];
        for (int i = 0; i < Layers; i++)
        {
            string p = $"gpt_neox.layers.{i}.";
            var qkv = Lin(Ln(x, p + "input_layernorm"), p + "attention.query_key_value").view(b, t, Heads, 3 * d);
            // Per head h the fused output holds q_h, k_h, v_h consecutively.
            var q = Rotary(qkv[.., .., .., ..(int)d].permute(0, 2, 1, 3), r, Theta);
            var k = Rotary(qkv[.., .., .., (int)d..(int)(2 * d)].permute(0, 2, 1, 3), r, Theta);
            var v = qkv[.., .., .., (int)(2 * d)..].permute(0, 2, 1, 3);
            var attn = Lin(Attention(q, k, v, mask), p + "attention.dense");
            Tensor Mlp(Tensor h)
            {
                var pre = Lin(h, p + "mlp.dense_h_to_4h");
                return Lin(0.5f * pre * (1 + (pre / Math.Sqrt(2)).erf()), p + "mlp.dense_4h_to_h");
            }
            if (parallel) x = x + attn + Mlp(Ln(x, p + "post_attention_layernorm"));
            else
            {
                var h = x + attn;
                x = h + Mlp(Ln(h, p + "post_attention_layernorm"));
            }
        }
        x = Ln(x, "gpt_neox.final_layer_norm");
        return x.matmul(w[tied ? "gpt_neox.embed_in.weight" : "embed_out.weight"].t());
    }

    [Theory]
    [InlineData(true, false, ScalarType.Float32)]
    [InlineData(false, false, ScalarType.Float32)]
    [InlineData(true, true, ScalarType.Float32)]
    [InlineData(true, false, ScalarType.Float16)]
    [InlineData(false, false, ScalarType.BFloat16)]
    public void LoadedCheckpointMatchesAHandWrittenForward(bool parallel, bool tied, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var weights = WriteCheckpoint(_folder.Path, Config(parallel, tied), Keys(tied), dtype, extra: OldBuffers);
        using var model = LanguageModels.Load(_folder.Path, out var report);
        var neox = Assert.IsType<GptNeoXModel>(model);
        Assert.Equal(OldBuffers, report.Unexpected);
        Assert.Equal(Keys(tied).Select(k => k.Name).Order(), neox.named_parameters().Select(p => p.name).Order());
        Assert.Equal(4, neox.Config.RotaryDims);
        Assert.Equal(parallel, neox.Config.UseParallelResidual);

        var (ids, mask) = Inputs(Vocab);
        var ours = model.Forward(ids, mask);
        var reference = Reference(weights, ids, mask, parallel, tied);
        Assert.Equal(ScalarType.Float32, ours.dtype);
        var real = mask.to_type(float32).unsqueeze(-1);
        double diff = MaxAbs(ours * real, reference * real);
        Assert.True(diff < 1e-4, $"max abs difference {diff}");
        Assert.True(reference.abs().max().item<float>() > 1, "the logits are not trivially small");
    }

    [Fact]
    public void RotaryAndResidualModeMatter()
    {
        // The reference is sensitive to what it checks: without rotary, or with the other residual mode, it differs.
        using var scope = NewDisposeScope();
        var weights = WriteCheckpoint(_folder.Path, Config(), Keys());
        using var model = LanguageModels.Load(_folder.Path);
        var (ids, mask) = Inputs(Vocab);
        var ours = model.Forward(ids, mask)[0];
        Assert.True(MaxAbs(ours, Reference(weights, ids, mask, parallel: false, tied: false)[0]) > 1e-2);
        var config = Config();
        config["rotary_pct"] = 0.5;
        WriteCheckpoint(_folder.Path, config, Keys());
        using var wider = LanguageModels.Load(_folder.Path);
        Assert.True(MaxAbs(ours, wider.Forward(ids, mask)[0]) > 1e-3);
    }

    [Fact]
    public void BlockwiseForwardEqualsForwardAndPaddingIsMasked()
    {
        using var scope = NewDisposeScope();
        WriteCheckpoint(_folder.Path, Config(), Keys());
        using var model = LanguageModels.Load(_folder.Path);
        var (ids, mask) = Inputs(Vocab);
        CheckBlockwiseAndPadding(model, ids, mask);
        Assert.Equal("gpt_neox.layers.1", model.BlockName(1));
        Assert.Equal(["gpt_neox.layers.1.mlp.dense_h_to_4h"], model.FeedForwardGroups(1)[0]);
        Assert.Equal(["gpt_neox.layers.0.attention.query_key_value", "gpt_neox.layers.0.attention.dense",
            "gpt_neox.layers.0.mlp.dense_h_to_4h", "gpt_neox.layers.0.mlp.dense_4h_to_h"], model.LinearLayerNames.Take(4));
        Assert.Equal("embed_out", model.LinearLayerNames[^1]);
        Assert.Equal(new long[] { Inner, Hidden }, model.GetLinear("gpt_neox.layers.1.mlp.dense_h_to_4h").weight!.shape);
        Assert.Contains("gpt_neox.layers.{0..1}", Assert.Throws<ArgumentException>(() => model.GetLinear("gpt_neox.layers.2.mlp.dense_h_to_4h")).Message);
    }

    [Fact]
    public void ForwardHooksOnTheFeedForwardSeeAndReplaceItsOutput()
    {
        using var scope = NewDisposeScope();
        WriteCheckpoint(_folder.Path, Config(), Keys());
        using var model = LanguageModels.Load(_folder.Path);
        var (ids, mask) = Inputs(Vocab);
        var dense = model.Forward(ids, mask);
        var linear = model.GetLinear("gpt_neox.layers.0.mlp.dense_h_to_4h");
        Tensor? seen = null;
        var hook = linear.register_forward_hook((m, input, output) => { seen = output.detach().clone().DetachFromDisposeScope(); return null!; });
        model.Forward(ids, mask);
        hook.remove();
        Assert.Equal(new long[] { 2, 6, Inner }, seen!.shape);
        var zeroing = linear.register_forward_hook((m, input, output) => zeros_like(output));
        var ablated = model.Forward(ids, mask);
        zeroing.remove();
        Assert.True(MaxAbs(ablated, dense) > 1e-3);
    }

    [Fact]
    public void SaveThenLoadIsBitExact()
    {
        WriteCheckpoint(_folder.Path, Config(parallel: false), Keys(), ScalarType.BFloat16, extra: OldBuffers);
        using var model = LanguageModels.Load(_folder.Path);
        var (ids, mask) = Inputs(Vocab);
        CheckSaveReload(model, _folder.Path, ids, mask);
        var saved = ConfigFields.ReadObject(Path.Combine(_folder.Path, "saved", "config.json"));
        Assert.Equal(0.25, saved["partial_rotary_factor"]!.GetValue<double>());
        Assert.Equal(Theta, saved["rope_theta"]!.GetValue<double>());
        Assert.False(saved["use_parallel_residual"]!.GetValue<bool>());
    }

    [Fact]
    public void AShardedCheckpointLoadsLikeASingleFile()
    {
        var weights = WriteCheckpoint(_folder.Path, Config(), Keys());
        var (ids, mask) = Inputs(Vocab);
        CheckSharded(_folder.Path, weights, ids, mask);
    }

    [Fact]
    public void NewerFieldNamesGiveTheSameConfig()
    {
        var older = GptNeoXConfig.FromJson(Config(), "old");
        var json = Config();
        json.Remove("rotary_pct");
        json.Remove("rotary_emb_base");
        json["partial_rotary_factor"] = 0.25;
        json["rope_theta"] = Theta;
        Assert.Equal(older, GptNeoXConfig.FromJson(json, "new"));
        json.Remove("rope_theta");
        json.Remove("partial_rotary_factor");
        json["rope_parameters"] = new JsonObject { ["rope_type"] = "default", ["rope_theta"] = Theta, ["partial_rotary_factor"] = 0.25 };
        Assert.Equal(older, GptNeoXConfig.FromJson(json, "v5"));
    }

    [Theory]
    [InlineData("model_type", "\"gpt_neo\"", "model_type 'gpt_neo'")]
    [InlineData("rope_scaling", "{\"type\": \"linear\", \"factor\": 2.0}", "rope_scaling type 'linear'")]
    [InlineData("hidden_act", "\"mish\"", "hidden_act 'mish'")]
    [InlineData("use_parallel_residual", "\"yes\"", "use_parallel_residual must be true or false")]
    public void UnsupportedOptionsFailNamingTheFileAndField(string field, string value, string expected)
    {
        var config = Config();
        config[field] = JsonNode.Parse(value);
        WriteCheckpoint(_folder.Path, config, Keys());
        var e = Assert.Throws<NeuroLensException>(() => LanguageModels.Load(_folder.Path));
        Assert.Contains(Path.Combine(_folder.Path, "config.json"), e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        if (field == "model_type") Assert.Contains("gpt_neox", e.Message); // lists the supported types
    }

    [Fact]
    public void AMissingTensorFailsNamingIt()
    {
        WriteCheckpoint(_folder.Path, Config(), Keys(), drop: "gpt_neox.layers.1.attention.query_key_value.weight");
        var e = Assert.Throws<NeuroLensException>(() => LanguageModels.Load(_folder.Path));
        Assert.Contains("gpt_neox.layers.1.attention.query_key_value.weight", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
