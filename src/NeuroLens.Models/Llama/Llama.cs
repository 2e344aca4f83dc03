using System.Text.Json.Nodes;
using NeuroLens.Core;
using NeuroLens.Core.Runtime;
using NeuroLens.Models.Checkpoints;
using NeuroLens.Models.Language;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroLens.Models.Llama;

// Llama (Touvron et al. 2023) as Hugging Face transformers' LlamaForCausalLM computes it in eval mode.
// Field names are the checkpoint keys: model.embed_tokens, model.layers.{i}.*, model.norm, lm_head.
// Shapes: B batch, T tokens, C hidden, H query heads, G key/value heads, D head width.

/// <summary>RMSNorm: weight · x / √(mean(x²) + ε), computed in F32 as transformers' LlamaRMSNorm.</summary>
internal sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Scalar eps; // held for the module's life (TorchScalars)

    public RmsNorm(int size, double eps) : base("norm")
    {
        weight = new Parameter(ones(size));
        this.eps = eps.ToScalar();
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = x.to_type(float32);
        var normed = h * h.pow(TorchScalars.Two).mean([-1], keepdim: true).add(eps, TorchScalars.One).rsqrt();
        return (weight * normed.to_type(x.dtype)).MoveToOuterDisposeScope();
    }
}

/// <summary>Grouped-query self-attention with full-head rotary embedding.</summary>
internal sealed class LlamaAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear q_proj, k_proj, v_proj, o_proj;
    private readonly int heads, kvHeads, headDim;
    private readonly double theta;

    public LlamaAttention(LlamaConfig config) : base("self_attn")
    {
        heads = config.NumAttentionHeads;
        kvHeads = config.KeyValueHeads;
        headDim = config.HeadSize;
        theta = config.RopeTheta;
        q_proj = nn.Linear(config.HiddenSize, heads * headDim, hasBias: config.AttentionBias);
        k_proj = nn.Linear(config.HiddenSize, kvHeads * headDim, hasBias: config.AttentionBias);
        v_proj = nn.Linear(config.HiddenSize, kvHeads * headDim, hasBias: config.AttentionBias);
        o_proj = nn.Linear(heads * headDim, config.HiddenSize, hasBias: config.AttentionBias);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor additiveMask)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1];
        var (cos, sin) = RotaryEmbedding.Tables(t, headDim, theta, x.device);
        var q = RotaryEmbedding.Apply(q_proj.call(x).view(b, t, heads, headDim).transpose(1, 2), cos, sin);
        var k = RotaryEmbedding.Apply(k_proj.call(x).view(b, t, kvHeads, headDim).transpose(1, 2), cos, sin);
        var v = v_proj.call(x).view(b, t, kvHeads, headDim).transpose(1, 2);
        var context = CausalAttention.Attend(q, k, v, additiveMask, 1.0 / Math.Sqrt(headDim));
        return o_proj.call(context).MoveToOuterDisposeScope();
    }
}

/// <summary>The SwiGLU feed-forward: down_proj(act(gate_proj x) ⊙ up_proj x).</summary>
internal sealed class LlamaMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear gate_proj, up_proj, down_proj;
    private readonly string act;

    public LlamaMlp(LlamaConfig config) : base("mlp")
    {
        gate_proj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: config.MlpBias);
        up_proj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: config.MlpBias);
        down_proj = nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: config.MlpBias);
        act = config.HiddenAct;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var gated = Activations.Apply(act, gate_proj.call(x)) * up_proj.call(x);
        return down_proj.call(gated).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// A Llama causal language model whose parameter names are the keys of Hugging Face's <c>LlamaForCausalLM</c>
/// (<c>model.embed_tokens.weight</c>, <c>model.layers.{i}.self_attn.q_proj.weight</c>, …, <c>lm_head.weight</c>),
/// computing what transformers computes in eval mode: RMSNorm pre-norm blocks, rotary embedding over the whole
/// head (rotate-half, <c>rope_theta</c>), grouped-query attention, SwiGLU feed-forward. With
/// <c>tie_word_embeddings</c> there is no <c>lm_head</c> parameter: the unembedding is <c>embed_tokens</c>.
/// </summary>
public sealed class LlamaModel : CausalLanguageModel
{
    /// <summary>Creates a randomly initialised model (TorchSharp's default initialisation; RMSNorm weights 1) on the CPU, in eval mode.</summary>
    public LlamaModel(LlamaConfig config)
        : base("LlamaForCausalLM", "llama", config.HiddenSize, config.NumHiddenLayers, config.VocabSize, config.MaxPositionEmbeddings,
            config.TieWordEmbeddings)
    {
        config.Validate("LlamaConfig");
        Config = config;
        Build("model", new CausalBackbone("model",
            ("embed_tokens", nn.Embedding(config.VocabSize, config.HiddenSize)),
            null,
            ("layers", Enumerable.Range(0, config.NumHiddenLayers).Select(_ => Layer(config))),
            ("norm", new RmsNorm(config.HiddenSize, config.RmsNormEps))), "lm_head");
    }

    /// <summary>The model's configuration.</summary>
    public LlamaConfig Config { get; }

    // One pre-norm block: x + attn(norm₁ x), then + mlp(norm₂ ·).
    private static PreNormBlock Layer(LlamaConfig config) => new(
        ("input_layernorm", new RmsNorm(config.HiddenSize, config.RmsNormEps)),
        ("post_attention_layernorm", new RmsNorm(config.HiddenSize, config.RmsNormEps)),
        ("self_attn", new LlamaAttention(config)),
        ("mlp", new LlamaMlp(config)));

    /// <summary>
    /// Loads a Hugging Face Llama folder. Buffers of older checkpoints (<c>self_attn.rotary_emb.inv_freq</c>)
    /// and an <c>lm_head.weight</c> of a tied model are reported as unexpected and ignored.
    /// </summary>
    /// <exception cref="NeuroLensException">The folder, its config or its weights are missing, malformed or incomplete.</exception>
    public static LlamaModel Load(string folder, out WeightLoadReport report) =>
        CheckpointFolder.Load(folder, LlamaConfig.FromJson, c => c.ParameterCount, c => new LlamaModel(c), name => name, null, out report);

    /// <inheritdoc/>
    public override JsonObject ConfigJson => Config.ToJson();

    /// <inheritdoc/>
    protected override string LinearKinds => "self_attn.q_proj|k_proj|v_proj|o_proj, mlp.gate_proj|up_proj|down_proj" + (TiedEmbeddings ? "" : ", or lm_head");

    private protected override string[][] FeedForwardKinds => [["mlp.gate_proj", "mlp.up_proj"], ["mlp.down_proj"]];
}
