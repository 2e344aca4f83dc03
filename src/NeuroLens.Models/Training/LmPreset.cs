using NeuroLens.Core;
using NeuroLens.Models.GptNeoX;

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
    /// The GPT-NeoX configuration of this preset for a vocabulary of <paramref name="vocabSize"/> and a
    /// context of <paramref name="context"/> tokens; its <see cref="GptNeoXConfig.ToJson"/> is the
    /// Hugging Face <c>config.json</c> (<c>GPTNeoXForCausalLM</c>) every checkpoint carries.
    /// </summary>
    public GptNeoXConfig ToConfig(int vocabSize, int context)
    {
        if (vocabSize < 2) throw new NeuroLensException($"preset {Name}: vocabulary of {vocabSize} tokens, expected at least 2");
        if (context < 1) throw new NeuroLensException($"preset {Name}: context of {context} tokens, expected at least 1");
        var config = new GptNeoXConfig(vocabSize, HiddenSize, Layers, Heads, IntermediateSize, MaxPositionEmbeddings: context,
            RotaryPct: RotaryPct, UseParallelResidual: true, HiddenAct: "gelu", TieWordEmbeddings: false);
        config.Validate($"preset {Name}");
        return config;
    }

    /// <summary>A new model of this preset (weights as the constructor leaves them; <see cref="LmTrainer"/> re-initialises them from the seed).</summary>
    public GptNeoXModel CreateModel(int vocabSize, int context) => new(ToConfig(vocabSize, context));
}
