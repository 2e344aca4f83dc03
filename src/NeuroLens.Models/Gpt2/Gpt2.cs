using System.Text.Json.Nodes;
using NeuroLens.Core;
using NeuroLens.Models.Checkpoints;
using NeuroLens.Models.Language;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroLens.Models.Gpt2;

// GPT-2 (Radford et al. 2019) as Hugging Face transformers' GPT2LMHeadModel computes it in eval mode.
// Field names are the checkpoint keys: transformer.wte, transformer.wpe, transformer.h.{i}.*, transformer.ln_f,
// lm_head (tied to wte by default). HF's Conv1D layers (c_attn, c_proj, c_fc) store their weight as
// [in, out]; here they are nn.Linear ([out, in]) so that every family's linears look alike, and the
// weight is transposed on load and on save (the key names are unchanged).

/// <summary>Self-attention: the fused c_attn projection (q | k | v side by side) and c_proj.</summary>
internal sealed class Gpt2Attention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear c_attn, c_proj;
    private readonly int heads;
    private readonly bool scale;

    public Gpt2Attention(Gpt2Config config) : base("attn")
    {
        c_attn = nn.Linear(config.NEmbd, 3 * config.NEmbd);
        c_proj = nn.Linear(config.NEmbd, config.NEmbd);
        heads = config.NHead;
        scale = config.ScaleAttnWeights;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor additiveMask)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1], c = x.shape[2], d = c / heads;
        var qkv = c_attn.call(x);
        Tensor Heads(int part) => qkv.narrow(-1, part * c, c).view(b, t, heads, d).transpose(1, 2);
        var context = CausalAttention.Attend(Heads(0), Heads(1), Heads(2), additiveMask, scale ? 1.0 / Math.Sqrt(d) : 1.0);
        return c_proj.call(context).MoveToOuterDisposeScope();
    }
}

/// <summary>The feed-forward sublayer: c_proj(act(c_fc(x))).</summary>
internal sealed class Gpt2Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear c_fc, c_proj;
    private readonly string act;

    public Gpt2Mlp(Gpt2Config config) : base("mlp")
    {
        c_fc = nn.Linear(config.NEmbd, config.InnerSize);
        c_proj = nn.Linear(config.InnerSize, config.NEmbd);
        act = config.ActivationFunction;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var pre = c_fc.call(x);
        using var activated = Activations.Apply(act, pre);
        return c_proj.call(activated);
    }
}

/// <summary>One pre-LN block: x + attn(ln_1 x), then + mlp(ln_2 ·).</summary>
internal sealed class Gpt2Block : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly LayerNorm ln_1, ln_2;
    private readonly Gpt2Attention attn;
    private readonly Gpt2Mlp mlp;

    public Gpt2Block(Gpt2Config config) : base("block")
    {
        ln_1 = nn.LayerNorm(config.NEmbd, config.LayerNormEpsilon);
        attn = new Gpt2Attention(config);
        ln_2 = nn.LayerNorm(config.NEmbd, config.LayerNormEpsilon);
        mlp = new Gpt2Mlp(config);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor additiveMask)
    {
        using var scope = NewDisposeScope();
        var h = x + attn.call(ln_1.call(x), additiveMask);
        return (h + mlp.call(ln_2.call(h))).MoveToOuterDisposeScope();
    }
}

/// <summary>The <c>transformer</c> backbone: token and position embeddings, blocks, final LayerNorm.</summary>
internal sealed class Gpt2Backbone : nn.Module
{
    internal readonly Embedding wte, wpe;
    internal readonly ModuleList<Gpt2Block> h;
    internal readonly LayerNorm ln_f;

    public Gpt2Backbone(Gpt2Config config) : base("transformer")
    {
        wte = nn.Embedding(config.VocabSize, config.NEmbd);
        wpe = nn.Embedding(config.NPositions, config.NEmbd);
        h = nn.ModuleList(Enumerable.Range(0, config.NLayer).Select(_ => new Gpt2Block(config)).ToArray());
        ln_f = nn.LayerNorm(config.NEmbd, config.LayerNormEpsilon);
        RegisterComponents();
    }
}

/// <summary>
/// A GPT-2 causal language model whose parameter names are the keys of Hugging Face's
/// <c>GPT2LMHeadModel</c> (<c>transformer.wte.weight</c>, <c>transformer.h.{i}.attn.c_attn.weight</c>, …),
/// computing what transformers computes in eval mode: learned positions, pre-LN blocks, <c>gelu_new</c>,
/// unembedding tied to <c>wte</c> (no <c>lm_head</c> parameter) unless <c>tie_word_embeddings</c> is false.
/// HF's Conv1D weights ([in, out]) are held as <c>nn.Linear</c> weights ([out, in]) and transposed on load and
/// save; checkpoints of the bare <c>GPT2Model</c> (keys without <c>transformer.</c>) load too. No dropout.
/// </summary>
public sealed class Gpt2Model : CausalLanguageModel
{
    private readonly Gpt2Backbone transformer;
    private readonly Linear? lm_head;

    /// <summary>Creates a randomly initialised model (TorchSharp's default initialisation) on the CPU, in eval mode.</summary>
    public Gpt2Model(Gpt2Config config) : base("GPT2LMHeadModel")
    {
        config.Validate("Gpt2Config");
        Config = config;
        transformer = new Gpt2Backbone(config);
        if (!config.TieWordEmbeddings) lm_head = nn.Linear(config.NEmbd, config.VocabSize, hasBias: false);
        RegisterComponents();
        eval();
    }

    /// <summary>The model's configuration.</summary>
    public Gpt2Config Config { get; }

    /// <summary>Whether a tensor (by module name) is a Conv1D weight, stored [in, out] in HF checkpoints.</summary>
    public static bool IsConv1DWeight(string name) =>
        name.EndsWith(".c_attn.weight", StringComparison.Ordinal) || name.EndsWith(".c_proj.weight", StringComparison.Ordinal)
        || name.EndsWith(".c_fc.weight", StringComparison.Ordinal);

    /// <summary>Maps a checkpoint key to the module's: bare <c>GPT2Model</c> keys gain the <c>transformer.</c> prefix.</summary>
    public static string ModuleName(string key) =>
        key.StartsWith("transformer.", StringComparison.Ordinal) || key.StartsWith("lm_head.", StringComparison.Ordinal) ? key : "transformer." + key;

    /// <summary>
    /// Loads a Hugging Face GPT-2 folder (<c>GPT2LMHeadModel</c> or <c>GPT2Model</c> keys). The attention
    /// buffers of older checkpoints (<c>attn.bias</c>, <c>attn.masked_bias</c>) and an <c>lm_head.weight</c> of a
    /// tied model are reported as unexpected and ignored.
    /// </summary>
    /// <exception cref="NeuroLensException">The folder, its config or its weights are missing, malformed or incomplete.</exception>
    public static Gpt2Model Load(string folder, out WeightLoadReport report) =>
        CheckpointFolder.Load(folder, (json, source) => new Gpt2Model(Gpt2Config.FromJson(json, source)), ModuleName, IsConv1DWeight, out report);

    /// <inheritdoc/>
    public override string ModelType => "gpt2";

    /// <inheritdoc/>
    public override int HiddenSize => Config.NEmbd;

    /// <inheritdoc/>
    public override int NumLayers => Config.NLayer;

    /// <inheritdoc/>
    public override int VocabSize => Config.VocabSize;

    /// <inheritdoc/>
    public override int MaxPositions => Config.NPositions;

    /// <inheritdoc/>
    public override bool TiedEmbeddings => Config.TieWordEmbeddings;

    /// <inheritdoc/>
    public override JsonObject ConfigJson => Config.ToJson();

    /// <inheritdoc/>
    protected override string BlockPrefix => "transformer.h.";

    /// <inheritdoc/>
    protected override string LinearKinds => "attn.c_attn|c_proj, mlp.c_fc|c_proj" + (TiedEmbeddings ? "" : ", or lm_head");

    /// <inheritdoc/>
    public override IReadOnlyList<IReadOnlyList<string>> FeedForwardGroups(int layer) =>
        [[$"{BlockName(layer)}.mlp.c_fc"], [$"{BlockName(layer)}.mlp.c_proj"]];

    /// <inheritdoc/>
    public override Tensor Embed(Tensor inputIds)
    {
        using var positions = arange(inputIds.shape[1], dtype: int64, device: inputIds.device).unsqueeze(0);
        using var tokens = transformer.wte.call(inputIds);
        using var places = transformer.wpe.call(positions);
        return tokens + places;
    }

    /// <inheritdoc/>
    protected override Tensor RunBlock(int layer, Tensor hidden, Tensor additiveMask) => transformer.h[layer].call(hidden, additiveMask);

    /// <inheritdoc/>
    public override Tensor Head(Tensor hidden)
    {
        using var normed = transformer.ln_f.call(hidden);
        return lm_head is not null ? lm_head.call(normed) : nn.functional.linear(normed, transformer.wte.weight!);
    }

    /// <summary>
    /// Writes <c>config.json</c> and <c>model.safetensors</c> in HF layout (Conv1D weights transposed back to
    /// [in, out]; no <c>lm_head.weight</c> when tied, as transformers saves it); loads in transformers as <c>GPT2LMHeadModel</c>.
    /// </summary>
    public override void Save(string folder) => CheckpointFolder.Save(this, Config.ToJson(), folder, IsConv1DWeight);
}
