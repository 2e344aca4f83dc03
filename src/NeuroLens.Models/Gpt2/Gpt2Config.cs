using System.Text.Json.Nodes;
using NeuroLens.Core;
using NeuroLens.Models.Language;
using static NeuroLens.Models.Language.ConfigFields;

namespace NeuroLens.Models.Gpt2;

/// <summary>
/// The shape of a GPT-2 model as Hugging Face's <c>GPT2Config</c> writes it in <c>config.json</c>.
/// <see cref="FromJson"/> accepts the older and the generic names of each field and refuses a
/// <c>model_type</c> or option this implementation does not compute (cross-attention, attention scaled by
/// the inverse layer index).
/// </summary>
/// <param name="VocabSize">Vocabulary size (<c>vocab_size</c>).</param>
/// <param name="NEmbd">Residual width (<c>n_embd</c>; also <c>hidden_size</c>).</param>
/// <param name="NLayer">Blocks (<c>n_layer</c>; also <c>num_hidden_layers</c>).</param>
/// <param name="NHead">Heads (<c>n_head</c>; also <c>num_attention_heads</c>).</param>
/// <param name="NPositions">Context length, rows of <c>wpe</c> (<c>n_positions</c>; older <c>n_ctx</c>; also <c>max_position_embeddings</c>; default 1024).</param>
/// <param name="NInner">Feed-forward width (<c>n_inner</c>; null in the file means 4 · n_embd).</param>
/// <param name="ActivationFunction">Feed-forward activation (<c>activation_function</c>; default <c>gelu_new</c>, the tanh approximation).</param>
/// <param name="LayerNormEpsilon">LayerNorm epsilon (<c>layer_norm_epsilon</c>; also <c>layer_norm_eps</c>; default 1e-5).</param>
/// <param name="TieWordEmbeddings">Whether the unembedding is <c>wte</c> (<c>tie_word_embeddings</c>, default true).</param>
/// <param name="ScaleAttnWeights">Whether attention scores are divided by √D (<c>scale_attn_weights</c>, default true).</param>
public sealed record Gpt2Config(
    int VocabSize,
    int NEmbd,
    int NLayer,
    int NHead,
    int NPositions = 1024,
    int? NInner = null,
    string ActivationFunction = "gelu_new",
    double LayerNormEpsilon = 1e-5,
    bool TieWordEmbeddings = true,
    bool ScaleAttnWeights = true)
{
    /// <summary>The feed-forward width: <see cref="NInner"/>, or 4 · n_embd when it is null.</summary>
    public int InnerSize => NInner ?? 4 * NEmbd;

    /// <summary>Checks sizes and options; names the offending field.</summary>
    public void Validate(string source)
    {
        Positive(source, "vocab_size", VocabSize);
        Positive(source, "n_embd", NEmbd);
        Positive(source, "n_layer", NLayer);
        Positive(source, "n_head", NHead);
        Positive(source, "n_positions", NPositions);
        Positive(source, "n_inner", InnerSize);
        if (NEmbd % NHead != 0)
            throw new NeuroLensException($"{source}: n_embd {NEmbd} is not a multiple of n_head {NHead}");
        if (!(LayerNormEpsilon > 0))
            throw new NeuroLensException($"{source}: field layer_norm_epsilon must be positive, got {LayerNormEpsilon}");
        Activations.Check(ActivationFunction, source, "activation_function");
    }

    /// <summary>Builds and validates the configuration from a parsed <c>config.json</c>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="NeuroLensException">A field is missing, malformed or names an option not implemented.</exception>
    public static Gpt2Config FromJson(JsonObject json, string source)
    {
        RequireModelType(json, source, "gpt2", "GPT2");
        if (Bool(json, source, "add_cross_attention") == true)
            throw new NeuroLensException($"{source}: field add_cross_attention true is not supported (decoder-only GPT-2 expected)");
        if (Bool(json, source, "scale_attn_by_inverse_layer_idx") == true)
            throw new NeuroLensException($"{source}: field scale_attn_by_inverse_layer_idx true is not supported");
        var config = new Gpt2Config(
            VocabSize: Int(json, source, "vocab_size") ?? Missing<int>(source, "vocab_size"),
            NEmbd: Int(json, source, "n_embd", "hidden_size") ?? Missing<int>(source, "n_embd"),
            NLayer: Int(json, source, "n_layer", "num_hidden_layers") ?? Missing<int>(source, "n_layer"),
            NHead: Int(json, source, "n_head", "num_attention_heads") ?? Missing<int>(source, "n_head"),
            NPositions: Int(json, source, "n_positions", "n_ctx", "max_position_embeddings") ?? 1024,
            NInner: Int(json, source, "n_inner"),
            ActivationFunction: ConfigFields.Text(json, source, "activation_function", "hidden_act") ?? "gelu_new",
            LayerNormEpsilon: Number(json, source, "layer_norm_epsilon", "layer_norm_eps") ?? 1e-5,
            TieWordEmbeddings: Bool(json, source, "tie_word_embeddings") ?? true,
            ScaleAttnWeights: Bool(json, source, "scale_attn_weights") ?? true);
        config.Validate(source);
        return config;
    }

    /// <summary>The <c>config.json</c> this model saves, as transformers' <c>GPT2LMHeadModel</c> reads it.</summary>
    public JsonObject ToJson() => new()
    {
        ["architectures"] = new JsonArray("GPT2LMHeadModel"),
        ["model_type"] = "gpt2",
        ["vocab_size"] = VocabSize,
        ["n_embd"] = NEmbd,
        ["n_layer"] = NLayer,
        ["n_head"] = NHead,
        ["n_positions"] = NPositions,
        ["n_inner"] = NInner,
        ["activation_function"] = ActivationFunction,
        ["layer_norm_epsilon"] = LayerNormEpsilon,
        ["tie_word_embeddings"] = TieWordEmbeddings,
        ["scale_attn_weights"] = ScaleAttnWeights,
        ["scale_attn_by_inverse_layer_idx"] = false,
        ["reorder_and_upcast_attn"] = false,
        ["attn_pdrop"] = 0.0,
        ["embd_pdrop"] = 0.0,
        ["resid_pdrop"] = 0.0,
        ["initializer_range"] = 0.02,
        ["use_cache"] = true,
        ["torch_dtype"] = "float32",
    };
}
