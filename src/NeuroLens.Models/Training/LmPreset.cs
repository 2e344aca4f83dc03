using System.Text.Json.Nodes;
using NeuroLens.Core;

namespace NeuroLens.Models.Training;

/// <summary>
/// The shape of a small GPT-NeoX model that <see cref="LmTrainer"/> trains from scratch, Pythia-like:
/// parallel residual, rotary embeddings on a quarter of each head (<c>rotary_pct</c> 0.25), untied
/// unembedding, FFN width 4 × <see cref="HiddenSize"/>, GELU, no dropout.
/// </summary>
/// <param name="Name">The preset's name on the command line (<c>tiny</c>, <c>small</c>, <c>base</c>).</param>
/// <param name="HiddenSize">Width of the residual stream (<c>hidden_size</c>).</param>
/// <param name="Layers">Transformer blocks (<c>num_hidden_layers</c>).</param>
/// <param name="Heads">Attention heads (<c>num_attention_heads</c>); divides <see cref="HiddenSize"/>.</param>
/// <param name="Context">Default context length in tokens (<c>max_position_embeddings</c>).</param>
public sealed record LmPreset(string Name, int HiddenSize, int Layers, int Heads, int Context)
{
    /// <summary>FFN width: 4 × <see cref="HiddenSize"/>, as in Pythia.</summary>
    public int IntermediateSize => 4 * HiddenSize;

    /// <summary>Fraction of each head's dimensions that carry rotary position (Pythia: 0.25).</summary>
    public double RotaryPct => 0.25;

    /// <summary>
    /// The Hugging Face <c>config.json</c> of this preset (<c>model_type</c> <c>gpt_neox</c>, architecture
    /// <c>GPTNeoXForCausalLM</c>) for a vocabulary of <paramref name="vocabSize"/> and a context of
    /// <paramref name="context"/> tokens; <paramref name="endOfTextId"/> becomes the BOS and EOS id.
    /// </summary>
    public JsonObject ToConfigJson(int vocabSize, int context, int endOfTextId)
    {
        if (vocabSize < 2) throw new NeuroLensException($"preset {Name}: vocabulary of {vocabSize} tokens, expected at least 2");
        if (context < 1) throw new NeuroLensException($"preset {Name}: context of {context} tokens, expected at least 1");
        if (endOfTextId < 0 || endOfTextId >= vocabSize)
            throw new NeuroLensException($"preset {Name}: end-of-text id {endOfTextId} is outside the vocabulary of {vocabSize}");
        return new JsonObject
        {
            ["architectures"] = new JsonArray("GPTNeoXForCausalLM"),
            ["model_type"] = "gpt_neox",
            ["vocab_size"] = vocabSize,
            ["hidden_size"] = HiddenSize,
            ["num_hidden_layers"] = Layers,
            ["num_attention_heads"] = Heads,
            ["intermediate_size"] = IntermediateSize,
            ["hidden_act"] = "gelu",
            ["rotary_pct"] = RotaryPct,
            ["rotary_emb_base"] = 10000,
            ["max_position_embeddings"] = context,
            ["initializer_range"] = 0.02,
            ["layer_norm_eps"] = 1e-5,
            ["use_parallel_residual"] = true,
            ["tie_word_embeddings"] = false,
            ["attention_dropout"] = 0.0,
            ["hidden_dropout"] = 0.0,
            ["attention_bias"] = true,
            ["bos_token_id"] = endOfTextId,
            ["eos_token_id"] = endOfTextId,
            ["use_cache"] = true,
            ["torch_dtype"] = "float32",
        };
    }
}
