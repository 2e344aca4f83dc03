using System.Text.Json.Nodes;
using NeuroLens.Core;
using NeuroLens.Models.Language;
using static NeuroLens.Models.Language.ConfigFields;

namespace NeuroLens.Models.Llama;

/// <summary>
/// The shape of a Llama model as Hugging Face's <c>LlamaConfig</c> writes it in <c>config.json</c>.
/// <see cref="FromJson"/> refuses a <c>model_type</c>, activation or <c>rope_scaling</c> type this
/// implementation does not compute (only the default, unscaled rotary embedding is implemented).
/// </summary>
/// <param name="VocabSize">Vocabulary size (<c>vocab_size</c>).</param>
/// <param name="HiddenSize">Residual width (<c>hidden_size</c>).</param>
/// <param name="IntermediateSize">SwiGLU width (<c>intermediate_size</c>).</param>
/// <param name="NumHiddenLayers">Blocks (<c>num_hidden_layers</c>).</param>
/// <param name="NumAttentionHeads">Query heads (<c>num_attention_heads</c>).</param>
/// <param name="NumKeyValueHeads">Key/value heads for grouped-query attention (<c>num_key_value_heads</c>; default: as many as query heads).</param>
/// <param name="HeadDim">Width of one head (<c>head_dim</c>; default hidden_size / num_attention_heads).</param>
/// <param name="MaxPositionEmbeddings">Context length (<c>max_position_embeddings</c>, default 2048).</param>
/// <param name="RmsNormEps">RMSNorm epsilon (<c>rms_norm_eps</c>, default 1e-6).</param>
/// <param name="RopeTheta">Rotary base θ (<c>rope_theta</c>, default 10000; rotary over the whole head).</param>
/// <param name="TieWordEmbeddings">Whether <c>lm_head</c> is <c>embed_tokens</c> (<c>tie_word_embeddings</c>, default false).</param>
/// <param name="AttentionBias">Whether q/k/v/o projections have biases (<c>attention_bias</c>, default false).</param>
/// <param name="MlpBias">Whether gate/up/down projections have biases (<c>mlp_bias</c>, default false).</param>
/// <param name="HiddenAct">The gate's activation (<c>hidden_act</c>, default <c>silu</c>).</param>
public sealed record LlamaConfig(
    int VocabSize,
    int HiddenSize,
    int IntermediateSize,
    int NumHiddenLayers,
    int NumAttentionHeads,
    int? NumKeyValueHeads = null,
    int? HeadDim = null,
    int MaxPositionEmbeddings = 2048,
    double RmsNormEps = 1e-6,
    double RopeTheta = 10000,
    bool TieWordEmbeddings = false,
    bool AttentionBias = false,
    bool MlpBias = false,
    string HiddenAct = "silu")
{
    /// <summary>Key/value heads (query heads when not set).</summary>
    public int KeyValueHeads => NumKeyValueHeads ?? NumAttentionHeads;

    /// <summary>Width of one head.</summary>
    public int HeadSize => HeadDim ?? HiddenSize / NumAttentionHeads;

    /// <summary>Checks sizes and options; names the offending field.</summary>
    public void Validate(string source)
    {
        Positive(source, "vocab_size", VocabSize);
        Positive(source, "hidden_size", HiddenSize);
        Positive(source, "intermediate_size", IntermediateSize);
        Positive(source, "num_hidden_layers", NumHiddenLayers);
        Positive(source, "num_attention_heads", NumAttentionHeads);
        Positive(source, "num_key_value_heads", KeyValueHeads);
        Positive(source, "max_position_embeddings", MaxPositionEmbeddings);
        if (HeadDim is null && HiddenSize % NumAttentionHeads != 0)
            throw new NeuroLensException($"{source}: hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumAttentionHeads}");
        Positive(source, "head_dim", HeadSize);
        if (HeadSize % 2 != 0)
            throw new NeuroLensException($"{source}: field head_dim {HeadSize} must be even for the rotary embedding");
        if (NumAttentionHeads % KeyValueHeads != 0)
            throw new NeuroLensException($"{source}: num_attention_heads {NumAttentionHeads} is not a multiple of num_key_value_heads {KeyValueHeads}");
        if (!(RmsNormEps > 0))
            throw new NeuroLensException($"{source}: field rms_norm_eps must be positive, got {RmsNormEps}");
        if (!(RopeTheta > 0))
            throw new NeuroLensException($"{source}: field rope_theta must be positive, got {RopeTheta}");
        Activations.Check(HiddenAct, source, "hidden_act");
    }

    /// <summary>Builds and validates the configuration from a parsed <c>config.json</c>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="NeuroLensException">A field is missing, malformed or names an option not implemented.</exception>
    public static LlamaConfig FromJson(JsonObject json, string source)
    {
        RequireModelType(json, source, "llama", "Llama");
        var (theta, partial) = Rope(json, source, "rope_theta");
        if (partial is { } p && p != 1.0)
            throw new NeuroLensException($"{source}: field partial_rotary_factor {p} is not supported for Llama (rotary over the whole head)");
        var config = new LlamaConfig(
            VocabSize: Int(json, source, "vocab_size") ?? Missing<int>(source, "vocab_size"),
            HiddenSize: Int(json, source, "hidden_size") ?? Missing<int>(source, "hidden_size"),
            IntermediateSize: Int(json, source, "intermediate_size") ?? Missing<int>(source, "intermediate_size"),
            NumHiddenLayers: Int(json, source, "num_hidden_layers") ?? Missing<int>(source, "num_hidden_layers"),
            NumAttentionHeads: Int(json, source, "num_attention_heads") ?? Missing<int>(source, "num_attention_heads"),
            NumKeyValueHeads: Int(json, source, "num_key_value_heads"),
            HeadDim: Int(json, source, "head_dim"),
            MaxPositionEmbeddings: Int(json, source, "max_position_embeddings") ?? 2048,
            RmsNormEps: Number(json, source, "rms_norm_eps") ?? 1e-6,
            RopeTheta: theta ?? 10000,
            TieWordEmbeddings: Bool(json, source, "tie_word_embeddings") ?? false,
            AttentionBias: Bool(json, source, "attention_bias") ?? false,
            MlpBias: Bool(json, source, "mlp_bias") ?? false,
            HiddenAct: ConfigFields.Text(json, source, "hidden_act") ?? "silu");
        config.Validate(source);
        return config;
    }

    /// <summary>The <c>config.json</c> this model saves, as transformers' <c>LlamaForCausalLM</c> reads it.</summary>
    public JsonObject ToJson() => new()
    {
        ["architectures"] = new JsonArray("LlamaForCausalLM"),
        ["model_type"] = "llama",
        ["vocab_size"] = VocabSize,
        ["hidden_size"] = HiddenSize,
        ["intermediate_size"] = IntermediateSize,
        ["num_hidden_layers"] = NumHiddenLayers,
        ["num_attention_heads"] = NumAttentionHeads,
        ["num_key_value_heads"] = KeyValueHeads,
        ["head_dim"] = HeadSize,
        ["max_position_embeddings"] = MaxPositionEmbeddings,
        ["rms_norm_eps"] = RmsNormEps,
        ["rope_theta"] = RopeTheta,
        ["rope_scaling"] = null,
        ["tie_word_embeddings"] = TieWordEmbeddings,
        ["attention_bias"] = AttentionBias,
        ["mlp_bias"] = MlpBias,
        ["hidden_act"] = HiddenAct,
        ["attention_dropout"] = 0.0,
        ["initializer_range"] = 0.02,
        ["pretraining_tp"] = 1,
        ["use_cache"] = true,
        ["torch_dtype"] = "float32",
    };
}
