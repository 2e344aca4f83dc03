using System.Text.Json.Nodes;
using NeuroLens.Core;
using NeuroLens.Core.TensorFiles;
using NeuroLens.Models.Gpt2;
using NeuroLens.Models.Language;
using static NeuroLens.Models.Tests.CausalLmTestKit;
using static TorchSharp.torch;

namespace NeuroLens.Models.Tests;

/// <summary>
/// A tiny random GPT-2 checkpoint written in Hugging Face layout (Conv1D weights [in, out]) loads and
/// computes what a hand-written forward pass computes on the file's own tensors.
/// </summary>
public sealed class Gpt2Tests : IDisposable
{
    private const int Vocab = 40, Embd = 16, Layers = 2, Heads = 2, Positions = 16;
    private const double Eps = 1e-5;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static JsonObject Config(bool tied = true, int? inner = null) => new()
    {
        ["architectures"] = new JsonArray("GPT2LMHeadModel"),
        ["model_type"] = "gpt2",
        ["vocab_size"] = Vocab,
        ["n_embd"] = Embd,
        ["n_layer"] = Layers,
        ["n_head"] = Heads,
        ["n_ctx"] = Positions, // the older name of n_positions
        ["n_inner"] = inner,
        ["activation_function"] = "gelu_new",
        ["layer_norm_epsilon"] = Eps,
        ["tie_word_embeddings"] = tied,
    };

    /// <summary>The keys of GPT2LMHeadModel with HF's Conv1D shapes [in, out], by hand.</summary>
    private static List<(string Name, long[] Shape)> Keys(bool tied = true, int inner = 4 * Embd)
    {
        var keys = new List<(string, long[])> { ("transformer.wte.weight", [Vocab, Embd]), ("transformer.wpe.weight", [Positions, Embd]) };
        for (int i = 0; i < Layers; i++)
        {
            string p = $"transformer.h.{i}.";
            keys.AddRange([
                (p + "ln_1.weight", [Embd]), (p + "ln_1.bias", [Embd]),
                (p + "attn.c_attn.weight", [Embd, 3 * Embd]), (p + "attn.c_attn.bias", [3 * Embd]),
                (p + "attn.c_proj.weight", [Embd, Embd]), (p + "attn.c_proj.bias", [Embd]),
                (p + "ln_2.weight", [Embd]), (p + "ln_2.bias", [Embd]),
                (p + "mlp.c_fc.weight", [Embd, inner]), (p + "mlp.c_fc.bias", [inner]),
                (p + "mlp.c_proj.weight", [inner, Embd]), (p + "mlp.c_proj.bias", [Embd])]);
        }
        keys.AddRange([("transformer.ln_f.weight", [Embd]), ("transformer.ln_f.bias", [Embd])]);
        if (!tied) keys.Add(("lm_head.weight", [Vocab, Embd]));
        return keys;
    }

    private static readonly string[] OldBuffers = ["transformer.h.0.attn.bias", "transformer.h.1.attn.masked_bias"];

    /// <summary>GPT-2's forward from the equations; Conv1D is x·W + b with W as stored ([in, out]).</summary>
    private static Tensor Reference(Dictionary<string, Tensor> w, Tensor ids, Tensor mask, bool tied)
    {
        long b = ids.shape[0], t = ids.shape[1], d = Embd / Heads;
        Tensor Conv(Tensor x, string name) => x.matmul(w[name + ".weight"]) + w[name + ".bias"];
        Tensor Ln(Tensor x, string name) => LayerNorm(x, w[name + ".weight"], w[name + ".bias"], Eps);
        var x = w["transformer.wte.weight"][ids] + w["transformer.wpe.weight"][arange(t)];
        for (int i = 0; i < Layers; i++)
        {
            string p = $"transformer.h.{i}.";
            var qkv = Conv(Ln(x, p + "ln_1"), p + "attn.c_attn");
            Tensor Split(int part) => qkv[.., .., (part * Embd)..((part + 1) * Embd)].view(b, t, Heads, d).permute(0, 2, 1, 3);
            x = x + Conv(Attention(Split(0), Split(1), Split(2), mask), p + "attn.c_proj");
            var pre = Conv(Ln(x, p + "ln_2"), p + "mlp.c_fc");
            var gelu = 0.5f * pre * (1 + (Math.Sqrt(2 / Math.PI) * (pre + 0.044715f * pre * pre * pre)).tanh());
            x = x + Conv(gelu, p + "mlp.c_proj");
        }
        x = Ln(x, "transformer.ln_f");
        return x.matmul(w[tied ? "transformer.wte.weight" : "lm_head.weight"].t());
    }

    [Theory]
    [InlineData("transformer.", true, ScalarType.Float32)]
    [InlineData("", true, ScalarType.Float32)] // a bare GPT2Model checkpoint: keys without the prefix
    [InlineData("transformer.", false, ScalarType.Float32)]
    [InlineData("transformer.", true, ScalarType.Float16)]
    [InlineData("", true, ScalarType.BFloat16)]
    public void LoadedCheckpointMatchesAHandWrittenForward(string prefix, bool tied, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var keys = Keys(tied).Select(k => (prefix == "" ? k.Name["transformer.".Length..] : k.Name, k.Shape)).ToList();
        var raw = WriteCheckpoint(_folder.Path, Config(tied), keys, dtype, extra: OldBuffers.Select(n => prefix == "" ? n["transformer.".Length..] : n));
        var weights = raw.ToDictionary(kv => Gpt2Model.ModuleName(kv.Key), kv => kv.Value);
        using var model = LanguageModels.Load(_folder.Path, out var report);
        var gpt2 = Assert.IsType<Gpt2Model>(model);
        Assert.Equal(OldBuffers.Select(n => prefix == "" ? n["transformer.".Length..] : n), report.Unexpected);
        Assert.Equal(Keys(tied).Select(k => k.Name).Order(), gpt2.named_parameters().Select(p => p.name).Order());
        // The Conv1D weight is held transposed, as an nn.Linear [out, in].
        Assert.Equal(weights["transformer.h.1.attn.c_attn.weight"].t().contiguous().bytes.ToArray(),
            model.GetLinear("transformer.h.1.attn.c_attn").weight!.contiguous().bytes.ToArray());

        var (ids, mask) = Inputs(Vocab);
        var ours = model.Forward(ids, mask);
        var reference = Reference(weights, ids, mask, tied);
        var real = mask.to_type(float32).unsqueeze(-1);
        double diff = MaxAbs(ours * real, reference * real);
        Assert.True(diff < 1e-4, $"max abs difference {diff}");
        Assert.True(reference.abs().max().item<float>() > 1);
    }

    [Fact]
    public void AnExplicitInnerWidthIsUsed()
    {
        using var scope = NewDisposeScope();
        var weights = WriteCheckpoint(_folder.Path, Config(inner: 24), Keys(inner: 24));
        using var model = LanguageModels.Load(_folder.Path);
        Assert.Equal(24, ((Gpt2Model)model).Config.InnerSize);
        Assert.Equal(Positions, model.MaxPositions); // read from n_ctx
        var (ids, mask) = Inputs(Vocab);
        var real = mask.to_type(float32).unsqueeze(-1);
        Assert.True(MaxAbs(model.Forward(ids, mask) * real, Reference(weights, ids, mask, tied: true) * real) < 1e-4);
    }

    [Fact]
    public void BlockwiseForwardEqualsForwardAndPaddingIsMasked()
    {
        using var scope = NewDisposeScope();
        WriteCheckpoint(_folder.Path, Config(), Keys());
        using var model = LanguageModels.Load(_folder.Path);
        var (ids, mask) = Inputs(Vocab);
        CheckBlockwiseAndPadding(model, ids, mask);
        Assert.Equal("transformer.h.0", model.BlockName(0));
        Assert.Equal(["transformer.h.0.mlp.c_fc"], model.FeedForwardGroups(0)[0]);
        Assert.Equal(["transformer.h.0.attn.c_attn", "transformer.h.0.attn.c_proj", "transformer.h.0.mlp.c_fc", "transformer.h.0.mlp.c_proj",
            "transformer.h.1.attn.c_attn", "transformer.h.1.attn.c_proj", "transformer.h.1.mlp.c_fc", "transformer.h.1.mlp.c_proj"], model.LinearLayerNames);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SaveThenLoadIsBitExactAndWritesHfLayout(bool tied)
    {
        WriteCheckpoint(_folder.Path, Config(tied), Keys(tied), ScalarType.Float16);
        using var model = LanguageModels.Load(_folder.Path);
        var (ids, mask) = Inputs(Vocab);
        CheckSaveReload(model, _folder.Path, ids, mask);
        using var saved = TensorFile.Open(Path.Combine(_folder.Path, "saved", "model.safetensors"));
        Assert.Equal(new long[] { Embd, 3 * Embd }, saved.GetEntry("transformer.h.0.attn.c_attn.weight").Shape);
        Assert.Equal(new long[] { 4 * Embd, Embd }, saved.GetEntry("transformer.h.0.mlp.c_proj.weight").Shape);
        Assert.Equal(!tied, saved.Entries.Any(e => e.Name == "lm_head.weight"));
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
    [InlineData("add_cross_attention", "true", "add_cross_attention")]
    [InlineData("scale_attn_by_inverse_layer_idx", "true", "scale_attn_by_inverse_layer_idx")]
    [InlineData("activation_function", "\"gelu_10\"", "activation_function 'gelu_10'")]
    [InlineData("n_embd", "\"16\"", "n_embd must be an integer")]
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
    public void AMissingTensorFailsNamingIt()
    {
        WriteCheckpoint(_folder.Path, Config(), Keys(), drop: "transformer.h.0.mlp.c_fc.bias");
        var e = Assert.Throws<NeuroLensException>(() => LanguageModels.Load(_folder.Path));
        Assert.Contains("transformer.h.0.mlp.c_fc.bias", e.Message);
    }

    [Fact]
    public void AConv1DWeightStoredUntransposedFailsNamingItsShape()
    {
        var keys = Keys().Select(k => k.Name == "transformer.h.0.mlp.c_fc.weight" ? (k.Name, new long[] { 4 * Embd, Embd }) : k).ToList();
        WriteCheckpoint(_folder.Path, Config(), keys);
        var e = Assert.Throws<NeuroLensException>(() => LanguageModels.Load(_folder.Path));
        Assert.Contains("transformer.h.0.mlp.c_fc.weight", e.Message);
        Assert.Contains("(16, 64)", e.Message);
    }
}
