using System.Text.Json;
using System.Text.Json.Nodes;
using NeuroLens.Core;
using static NeuroLens.Models.Language.ConfigFields;

namespace NeuroLens.Models.Bert;

/// <summary>
/// The shape of a BERT encoder, as Hugging Face's <c>BertConfig</c> writes it in <c>config.json</c>.
/// Only the options that change the computation are kept; <see cref="Read"/> accepts the older names
/// of each field and refuses a <c>model_type</c>, activation or position-embedding type this
/// implementation does not compute.
/// </summary>
/// <param name="VocabSize">Word-piece vocabulary size (<c>vocab_size</c>).</param>
/// <param name="HiddenSize">Width of the residual stream (<c>hidden_size</c>; older <c>n_embd</c>, <c>dim</c>).</param>
/// <param name="NumHiddenLayers">Number of transformer blocks (<c>num_hidden_layers</c>; older <c>n_layer</c>, <c>num_layers</c>).</param>
/// <param name="NumAttentionHeads">Attention heads per block (<c>num_attention_heads</c>; older <c>n_head</c>).</param>
/// <param name="IntermediateSize">Width of the feed-forward layer (<c>intermediate_size</c>; older <c>n_inner</c>, <c>ffn_dim</c>).</param>
/// <param name="MaxPositionEmbeddings">Longest input in tokens (<c>max_position_embeddings</c>; older <c>n_positions</c>).</param>
/// <param name="TypeVocabSize">Number of token types (segments) (<c>type_vocab_size</c>, default 2).</param>
/// <param name="LayerNormEps">Epsilon of every LayerNorm (<c>layer_norm_eps</c>; older <c>layer_norm_epsilon</c>; default 1e-12).</param>
/// <param name="HiddenAct">Feed-forward activation (<c>hidden_act</c>; older <c>activation_function</c>): <c>gelu</c> (exact, erf) or <c>relu</c>.</param>
public sealed record BertConfig(
    int VocabSize,
    int HiddenSize,
    int NumHiddenLayers,
    int NumAttentionHeads,
    int IntermediateSize,
    int MaxPositionEmbeddings,
    int TypeVocabSize = 2,
    double LayerNormEps = 1e-12,
    string HiddenAct = "gelu")
{
    /// <summary>The activations implemented: <c>gelu</c> is the exact erf form that BERT uses.</summary>
    public static IReadOnlyList<string> SupportedActivations { get; } = ["gelu", "relu"];

    /// <summary>Width of one attention head.</summary>
    public int HeadSize => HiddenSize / NumAttentionHeads;

    /// <summary>Checks that the sizes are positive and the heads divide the width; names the offending field.</summary>
    public void Validate(string source)
    {
        void Positive(string field, int value)
        {
            if (value <= 0) throw new NeuroLensException($"{source}: field {field} must be a positive integer, got {value}");
        }
        Positive("vocab_size", VocabSize);
        Positive("hidden_size", HiddenSize);
        Positive("num_hidden_layers", NumHiddenLayers);
        Positive("num_attention_heads", NumAttentionHeads);
        Positive("intermediate_size", IntermediateSize);
        Positive("max_position_embeddings", MaxPositionEmbeddings);
        Positive("type_vocab_size", TypeVocabSize);
        if (HiddenSize % NumAttentionHeads != 0)
            throw new NeuroLensException($"{source}: hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumAttentionHeads}");
        if (!(LayerNormEps > 0))
            throw new NeuroLensException($"{source}: field layer_norm_eps must be positive, got {LayerNormEps}");
        if (!SupportedActivations.Contains(HiddenAct))
            throw new NeuroLensException(
                $"{source}: field hidden_act '{HiddenAct}' is not supported (expected {string.Join(" or ", SupportedActivations)})");
    }

    /// <summary>Reads and validates a Hugging Face <c>config.json</c> of a BERT model.</summary>
    /// <exception cref="NeuroLensException">The file is missing or malformed, or names an unsupported model or option.</exception>
    public static BertConfig Read(string path) => FromJson(ReadObject(path), path);

    /// <summary>Builds the configuration from a parsed <c>config.json</c>; <paramref name="source"/> names it in errors.</summary>
    public static BertConfig FromJson(JsonObject json, string source)
    {
        string? modelType = Language.ConfigFields.Text(json, source, "model_type");
        if (modelType is null)
        {
            bool bertArchitecture = json["architectures"] is JsonArray a && a.Any(n => n?.GetValueKind() == JsonValueKind.String
                && n.GetValue<string>().StartsWith("Bert", StringComparison.Ordinal));
            if (!bertArchitecture)
                throw new NeuroLensException($"{source}: field model_type is missing (expected \"bert\")");
        }
        else if (modelType != "bert")
            throw new NeuroLensException($"{source}: model_type '{modelType}' is not a BERT model (expected \"bert\")");
        string? positions = Language.ConfigFields.Text(json, source, "position_embedding_type");
        if (positions is not null && positions != "absolute")
            throw new NeuroLensException($"{source}: position_embedding_type '{positions}' is not supported (expected \"absolute\")");
        var config = new BertConfig(
            VocabSize: Int(json, source, "vocab_size") ?? Missing<int>(source, "vocab_size"),
            HiddenSize: Int(json, source, "hidden_size", "n_embd", "dim") ?? Missing<int>(source, "hidden_size"),
            NumHiddenLayers: Int(json, source, "num_hidden_layers", "n_layer", "num_layers") ?? Missing<int>(source, "num_hidden_layers"),
            NumAttentionHeads: Int(json, source, "num_attention_heads", "n_head") ?? Missing<int>(source, "num_attention_heads"),
            IntermediateSize: Int(json, source, "intermediate_size", "n_inner", "ffn_dim") ?? Missing<int>(source, "intermediate_size"),
            MaxPositionEmbeddings: Int(json, source, "max_position_embeddings", "n_positions") ?? Missing<int>(source, "max_position_embeddings"),
            TypeVocabSize: Int(json, source, "type_vocab_size") ?? 2,
            LayerNormEps: Number(json, source, "layer_norm_eps", "layer_norm_epsilon") ?? 1e-12,
            HiddenAct: Language.ConfigFields.Text(json, source, "hidden_act", "activation_function") ?? "gelu");
        config.Validate(source);
        return config;
    }

    /// <summary>The <c>config.json</c> Hugging Face transformers writes for this configuration (newest field names).</summary>
    public JsonObject ToJson() => new()
    {
        ["architectures"] = new JsonArray("BertModel"),
        ["model_type"] = "bert",
        ["vocab_size"] = VocabSize,
        ["hidden_size"] = HiddenSize,
        ["num_hidden_layers"] = NumHiddenLayers,
        ["num_attention_heads"] = NumAttentionHeads,
        ["intermediate_size"] = IntermediateSize,
        ["max_position_embeddings"] = MaxPositionEmbeddings,
        ["type_vocab_size"] = TypeVocabSize,
        ["layer_norm_eps"] = LayerNormEps,
        ["hidden_act"] = HiddenAct,
        ["position_embedding_type"] = "absolute",
        ["hidden_dropout_prob"] = 0.1,
        ["attention_probs_dropout_prob"] = 0.1,
        ["initializer_range"] = 0.02,
        ["pad_token_id"] = 0,
        ["torch_dtype"] = "float32",
    };
}
