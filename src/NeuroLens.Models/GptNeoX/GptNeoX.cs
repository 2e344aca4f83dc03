using System.Text.Json.Nodes;
using NeuroLens.Core;
using NeuroLens.Models.Checkpoints;
using NeuroLens.Models.Language;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroLens.Models.GptNeoX;

// GPT-NeoX (Black et al. 2022; the Pythia suite) as Hugging Face transformers' GPTNeoXForCausalLM computes
// it in eval mode. Field names are the checkpoint keys: gpt_neox.embed_in, gpt_neox.layers.{i}.*,
// gpt_neox.final_layer_norm, embed_out. Shapes: B batch, T tokens, C hidden, H heads, D = C / H.

/// <summary>Self-attention with the fused, head-interleaved QKV projection and partial rotary embedding.</summary>
internal sealed class GptNeoXAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear query_key_value, dense;
    private readonly int heads, rotaryDims;
    private readonly double theta;

    public GptNeoXAttention(GptNeoXConfig config) : base("attention")
    {
        query_key_value = nn.Linear(config.HiddenSize, 3 * config.HiddenSize, hasBias: config.AttentionBias);
        dense = nn.Linear(config.HiddenSize, config.HiddenSize, hasBias: config.AttentionBias);
        heads = config.NumAttentionHeads;
        rotaryDims = config.RotaryDims;
        theta = config.RopeTheta;
        RegisterComponents();
    }

    /// <summary>(B, T, C) and the additive (B, 1, T, T) mask to dense(attention) (B, T, C).</summary>
    public override Tensor forward(Tensor x, Tensor additiveMask)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1], c = x.shape[2], d = c / heads;
        // The fused output is laid out per head: [q_h, k_h, v_h] for h = 0..H-1, each D wide.
        var qkv = query_key_value.call(x).view(b, t, heads, 3 * d);
        var q = qkv.narrow(-1, 0, d).permute(0, 2, 1, 3);
        var k = qkv.narrow(-1, d, d).permute(0, 2, 1, 3);
        var v = qkv.narrow(-1, 2 * d, d).permute(0, 2, 1, 3);
        if (rotaryDims > 0)
        {
            var (cos, sin) = RotaryEmbedding.Tables(t, rotaryDims, theta, x.device);
            q = RotaryEmbedding.Apply(q, cos, sin);
            k = RotaryEmbedding.Apply(k, cos, sin);
        }
        var context = CausalAttention.Attend(q, k, v, additiveMask, 1.0 / Math.Sqrt(d));
        return dense.call(context).MoveToOuterDisposeScope();
    }
}

/// <summary>The feed-forward sublayer: dense_4h_to_h(act(dense_h_to_4h(x))).</summary>
internal sealed class GptNeoXMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense_h_to_4h, dense_4h_to_h;
    private readonly string act;

    public GptNeoXMlp(GptNeoXConfig config) : base("mlp")
    {
        dense_h_to_4h = nn.Linear(config.HiddenSize, config.IntermediateSize);
        dense_4h_to_h = nn.Linear(config.IntermediateSize, config.HiddenSize);
        act = config.HiddenAct;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var pre = dense_h_to_4h.call(x);
        using var activated = Activations.Apply(act, pre);
        return dense_4h_to_h.call(activated);
    }
}

/// <summary>One pre-LN block, parallel (x + attn(ln₁ x) + mlp(ln₂ x)) or sequential residual.</summary>
internal sealed class GptNeoXLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly LayerNorm input_layernorm, post_attention_layernorm;
    private readonly GptNeoXAttention attention;
    private readonly GptNeoXMlp mlp;
    private readonly bool parallel;

    public GptNeoXLayer(GptNeoXConfig config) : base("layer")
    {
        input_layernorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        post_attention_layernorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        attention = new GptNeoXAttention(config);
        mlp = new GptNeoXMlp(config);
        parallel = config.UseParallelResidual;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor additiveMask)
    {
        using var scope = NewDisposeScope();
        var attended = attention.call(input_layernorm.call(x), additiveMask);
        if (parallel)
            return (x + attended + mlp.call(post_attention_layernorm.call(x))).MoveToOuterDisposeScope();
        var h = attended + x;
        return (mlp.call(post_attention_layernorm.call(h)) + h).MoveToOuterDisposeScope();
    }
}

/// <summary>The <c>gpt_neox</c> backbone: embedding, blocks, final LayerNorm.</summary>
internal sealed class GptNeoXBackbone : nn.Module
{
    internal readonly Embedding embed_in;
    internal readonly ModuleList<GptNeoXLayer> layers;
    internal readonly LayerNorm final_layer_norm;

    public GptNeoXBackbone(GptNeoXConfig config) : base("gpt_neox")
    {
        embed_in = nn.Embedding(config.VocabSize, config.HiddenSize);
        layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new GptNeoXLayer(config)).ToArray());
        final_layer_norm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        RegisterComponents();
    }
}

/// <summary>
/// A GPT-NeoX / Pythia causal language model whose parameter names are the keys of Hugging Face's
/// <c>GPTNeoXForCausalLM</c> (<c>gpt_neox.embed_in.weight</c>, <c>gpt_neox.layers.{i}.attention.query_key_value.weight</c>,
/// …, <c>embed_out.weight</c>), computing what transformers computes in eval mode: pre-LN blocks with
/// parallel or sequential residual, fused head-interleaved QKV, partial rotary embedding (rotate-half),
/// exact GELU, untied <c>embed_out</c> unless <c>tie_word_embeddings</c>. No dropout.
/// </summary>
public sealed class GptNeoXModel : CausalLanguageModel
{
    private readonly GptNeoXBackbone gpt_neox;
    private readonly Linear? embed_out;

    /// <summary>Creates a randomly initialised model (TorchSharp's default initialisation) on the CPU, in eval mode.</summary>
    public GptNeoXModel(GptNeoXConfig config) : base("GPTNeoXForCausalLM")
    {
        config.Validate("GptNeoXConfig");
        Config = config;
        gpt_neox = new GptNeoXBackbone(config);
        if (!config.TieWordEmbeddings) embed_out = nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        RegisterComponents();
        eval();
    }

    /// <summary>The model's configuration.</summary>
    public GptNeoXConfig Config { get; }

    /// <summary>
    /// Loads a Hugging Face GPT-NeoX folder. Buffers older checkpoints carry (<c>attention.bias</c>,
    /// <c>attention.masked_bias</c>, <c>attention.rotary_emb.inv_freq</c>) are reported as unexpected and ignored.
    /// </summary>
    /// <exception cref="NeuroLensException">The folder, its config or its weights are missing, malformed or incomplete.</exception>
    public static GptNeoXModel Load(string folder, out WeightLoadReport report) =>
        CheckpointFolder.Load(folder, (json, source) => new GptNeoXModel(GptNeoXConfig.FromJson(json, source)), name => name, null, out report);

    /// <inheritdoc/>
    public override string ModelType => "gpt_neox";

    /// <inheritdoc/>
    public override int HiddenSize => Config.HiddenSize;

    /// <inheritdoc/>
    public override int NumLayers => Config.NumHiddenLayers;

    /// <inheritdoc/>
    public override int VocabSize => Config.VocabSize;

    /// <inheritdoc/>
    public override int MaxPositions => Config.MaxPositionEmbeddings;

    /// <inheritdoc/>
    public override bool TiedEmbeddings => Config.TieWordEmbeddings;

    /// <inheritdoc/>
    public override JsonObject ConfigJson => Config.ToJson();

    /// <inheritdoc/>
    protected override string BlockPrefix => "gpt_neox.layers.";

    /// <inheritdoc/>
    protected override string LinearKinds => "attention.query_key_value|dense, mlp.dense_h_to_4h|dense_4h_to_h, or embed_out";

    /// <inheritdoc/>
    public override IReadOnlyList<IReadOnlyList<string>> FeedForwardGroups(int layer) =>
        [[$"{BlockName(layer)}.mlp.dense_h_to_4h"], [$"{BlockName(layer)}.mlp.dense_4h_to_h"]];

    /// <inheritdoc/>
    public override Tensor Embed(Tensor inputIds) => gpt_neox.embed_in.call(inputIds);

    /// <inheritdoc/>
    protected override Tensor RunBlock(int layer, Tensor hidden, Tensor additiveMask) => gpt_neox.layers[layer].call(hidden, additiveMask);

    /// <inheritdoc/>
    public override Tensor Head(Tensor hidden)
    {
        using var normed = gpt_neox.final_layer_norm.call(hidden);
        return embed_out is not null ? embed_out.call(normed) : nn.functional.linear(normed, gpt_neox.embed_in.weight!);
    }

    /// <summary>Writes <c>config.json</c> and <c>model.safetensors</c> (HF layout; loads in transformers as <c>GPTNeoXForCausalLM</c>).</summary>
    public override void Save(string folder) => CheckpointFolder.Save(this, Config.ToJson(), folder);
}
