using System.Text.Json.Nodes;
using NeuroLens.Core;
using NeuroLens.Models.Language;
using static NeuroLens.Models.Language.ConfigFields;

namespace NeuroLens.Models.GptNeoX;

/// <summary>
/// The shape of a GPT-NeoX (Pythia) model as Hugging Face's <c>GPTNeoXConfig</c> writes it in
/// <c>config.json</c>. <see cref="FromJson"/> accepts the older and newer names of each field and refuses a
/// <c>model_type</c>, activation or rotary scaling this implementation does not compute.
/// </summary>
/// <param name="VocabSize">Vocabulary size (<c>vocab_size</c>).</param>
/// <param name="HiddenSize">Residual width (<c>hidden_size</c>).</param>
/// <param name="NumHiddenLayers">Blocks (<c>num_hidden_layers</c>).</param>
/// <param name="NumAttentionHeads">Heads (<c>num_attention_heads</c>).</param>
/// <param name="IntermediateSize">Feed-forward width (<c>intermediate_size</c>).</param>
/// <param name="MaxPositionEmbeddings">Context length (<c>max_position_embeddings</c>, default 2048).</param>
/// <param name="RotaryPct">Fraction of each head's features that are rotated (<c>rotary_pct</c>; newer <c>partial_rotary_factor</c>; default 0.25).</param>
/// <param name="RopeTheta">Rotary base θ (<c>rope_theta</c>; older <c>rotary_emb_base</c>; default 10000).</param>
/// <param name="LayerNormEps">LayerNorm epsilon (<c>layer_norm_eps</c>, default 1e-5).</param>
/// <param name="UseParallelResidual">x + attn(ln₁ x) + mlp(ln₂ x) when true (default), else sequential sublayers (<c>use_parallel_residual</c>).</param>
/// <param name="HiddenAct">Feed-forward activation (<c>hidden_act</c>, default <c>gelu</c>, exact).</param>
/// <param name="TieWordEmbeddings">Whether <c>embed_out</c> is <c>embed_in</c> (<c>tie_word_embeddings</c>, default false).</param>
/// <param name="AttentionBias">Whether the attention projections have biases (<c>attention_bias</c>, default true).</param>
public sealed record GptNeoXConfig(
    int VocabSize,
    int HiddenSize,
    int NumHiddenLayers,
    int NumAttentionHeads,
    int IntermediateSize,
    int MaxPositionEmbeddings = 2048,
    double RotaryPct = 0.25,
    double RopeTheta = 10000,
    double LayerNormEps = 1e-5,
    bool UseParallelResidual = true,
    string HiddenAct = "gelu",
    bool TieWordEmbeddings = false,
    bool AttentionBias = true)
{
    /// <summary>Width of one head.</summary>
    public int HeadSize => HiddenSize / NumAttentionHeads;

    /// <summary>Rotated features per head: <c>int(head_size · rotary_pct)</c>, as transformers computes it.</summary>
    public int RotaryDims => (int)(HeadSize * RotaryPct);

    /// <summary>Checks sizes and options; names the offending field.</summary>
    public void Validate(string source)
    {
        Positive(source, "vocab_size", VocabSize);
        Positive(source, "hidden_size", HiddenSize);
        Positive(source, "num_hidden_layers", NumHiddenLayers);
        Positive(source, "num_attention_heads", NumAttentionHeads);
        Positive(source, "intermediate_size", IntermediateSize);
        Positive(source, "max_position_embeddings", MaxPositionEmbeddings);
        if (HiddenSize % NumAttentionHeads != 0)
            throw new NeuroLensException($"{source}: hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumAttentionHeads}");
        if (!(RotaryPct >= 0 && RotaryPct <= 1))
            throw new NeuroLensException($"{source}: field rotary_pct must be in [0, 1], got {RotaryPct}");
        if (RotaryDims % 2 != 0)
            throw new NeuroLensException($"{source}: field rotary_pct {RotaryPct} gives an odd number of rotary features ({RotaryDims}) per head");
        if (!(RopeTheta > 0))
            throw new NeuroLensException($"{source}: field rope_theta must be positive, got {RopeTheta}");
        if (!(LayerNormEps > 0))
            throw new NeuroLensException($"{source}: field layer_norm_eps must be positive, got {LayerNormEps}");
        Activations.Check(HiddenAct, source, "hidden_act");
    }

    /// <summary>Builds and validates the configuration from a parsed <c>config.json</c>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="NeuroLensException">A field is missing, malformed or names an option not implemented.</exception>
    public static GptNeoXConfig FromJson(JsonObject json, string source)
    {
        RequireModelType(json, source, "gpt_neox", "GPTNeoX");
        var (theta, partial) = Rope(json, source, "rope_theta", "rotary_emb_base");
        var config = new GptNeoXConfig(
            VocabSize: Int(json, source, "vocab_size") ?? Missing<int>(source, "vocab_size"),
            HiddenSize: Int(json, source, "hidden_size") ?? Missing<int>(source, "hidden_size"),
            NumHiddenLayers: Int(json, source, "num_hidden_layers") ?? Missing<int>(source, "num_hidden_layers"),
            NumAttentionHeads: Int(json, source, "num_attention_heads") ?? Missing<int>(source, "num_attention_heads"),
            IntermediateSize: Int(json, source, "intermediate_size") ?? Missing<int>(source, "intermediate_size"),
            MaxPositionEmbeddings: Int(json, source, "max_position_embeddings") ?? 2048,
            RotaryPct: partial ?? Number(json, source, "partial_rotary_factor", "rotary_pct") ?? 0.25,
            RopeTheta: theta ?? 10000,
            LayerNormEps: Number(json, source, "layer_norm_eps", "layer_norm_epsilon") ?? 1e-5,
            UseParallelResidual: Bool(json, source, "use_parallel_residual") ?? true,
            HiddenAct: ConfigFields.Text(json, source, "hidden_act") ?? "gelu",
            TieWordEmbeddings: Bool(json, source, "tie_word_embeddings") ?? false,
            AttentionBias: Bool(json, source, "attention_bias") ?? true);
        config.Validate(source);
        return config;
    }

    /// <summary>
    /// The <c>config.json</c> this model saves, as transformers' <c>GPTNeoXForCausalLM</c> reads it. The rotary
    /// fields are written under both their newest names (<c>rope_theta</c>, <c>partial_rotary_factor</c>) and
    /// the names older transformers releases read (<c>rotary_emb_base</c>, <c>rotary_pct</c>), with equal values.
    /// </summary>
    public JsonObject ToJson() => new()
    {
        ["architectures"] = new JsonArray("GPTNeoXForCausalLM"),
        ["model_type"] = "gpt_neox",
        ["vocab_size"] = VocabSize,
        ["hidden_size"] = HiddenSize,
        ["num_hidden_layers"] = NumHiddenLayers,
        ["num_attention_heads"] = NumAttentionHeads,
        ["intermediate_size"] = IntermediateSize,
        ["max_position_embeddings"] = MaxPositionEmbeddings,
        ["rope_theta"] = RopeTheta,
        ["partial_rotary_factor"] = RotaryPct,
        ["rotary_emb_base"] = RopeTheta,
        ["rotary_pct"] = RotaryPct,
        ["layer_norm_eps"] = LayerNormEps,
        ["use_parallel_residual"] = UseParallelResidual,
        ["hidden_act"] = HiddenAct,
        ["tie_word_embeddings"] = TieWordEmbeddings,
        ["attention_bias"] = AttentionBias,
        ["attention_dropout"] = 0.0,
        ["hidden_dropout"] = 0.0,
        ["initializer_range"] = 0.02,
        ["use_cache"] = true,
        ["torch_dtype"] = "float32",
    };
}
