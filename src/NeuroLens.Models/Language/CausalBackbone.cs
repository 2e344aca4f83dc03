using NeuroLens.Core.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroLens.Models.Language;

/// <summary>
/// The backbone every causal family nests under its checkpoint prefix (<c>transformer</c>, <c>gpt_neox</c>,
/// <c>model</c>): the token embedding, GPT-2's learned position embedding when there is one, the blocks and the
/// final norm. Each part is registered under the family's checkpoint name (in this order), so that parameter
/// names are the Hugging Face keys (<c>transformer.wte.weight</c>, <c>model.layers.0.…</c>).
/// </summary>
internal sealed class CausalBackbone : nn.Module
{
    private readonly Embedding tokens;
    private readonly Embedding? positions;
    private readonly ModuleList<nn.Module<Tensor, Tensor, Tensor>> blocks;
    private readonly nn.Module<Tensor, Tensor> finalNorm;

    /// <param name="name">The module's TorchSharp name.</param>
    /// <param name="tokens">The token embedding and its checkpoint name.</param>
    /// <param name="positions">The learned position embedding and its name, or null (rotary families).</param>
    /// <param name="blocks">The blocks (each called with the hidden state and the additive mask) and the name of their list.</param>
    /// <param name="finalNorm">The norm before the unembedding and its name.</param>
    public CausalBackbone(string name, (string Name, Embedding Module) tokens, (string Name, Embedding Module)? positions,
        (string Name, IEnumerable<nn.Module<Tensor, Tensor, Tensor>> Modules) blocks, (string Name, nn.Module<Tensor, Tensor> Module) finalNorm)
        : base(name)
    {
        this.tokens = tokens.Module;
        register_module(tokens.Name, this.tokens);
        if (positions is { } p)
        {
            this.positions = p.Module;
            register_module(p.Name, this.positions);
        }
        BlocksName = blocks.Name;
        this.blocks = nn.ModuleList(blocks.Modules.ToArray());
        register_module(blocks.Name, this.blocks);
        this.finalNorm = finalNorm.Module;
        register_module(finalNorm.Name, this.finalNorm);
    }

    /// <summary>The name the blocks' list is registered under (<c>h</c>, <c>layers</c>).</summary>
    public string BlocksName { get; }

    /// <summary>Parts are registered under their checkpoint names by the constructor, not by field name.</summary>
    protected override void RegisterComponents() { }

    /// <summary>The token embedding matrix (V, C), which a tied unembedding reuses.</summary>
    public Parameter TokenEmbedding => tokens.weight!;

    /// <summary>Token embeddings of (B, T) ids, plus the embeddings of positions 0..T-1 when the family learns them.</summary>
    public Tensor Embed(Tensor inputIds)
    {
        if (positions is null) return tokens.call(inputIds);
        using var length = inputIds.shape[1].ToScalar();
        using var places = arange(TorchScalars.Zero, length, TorchScalars.One, dtype: int64, device: inputIds.device).unsqueeze(0);
        using var tokenVectors = tokens.call(inputIds);
        using var placeVectors = positions.call(places);
        return tokenVectors + placeVectors;
    }

    /// <summary>Block <paramref name="layer"/> (through its module's <c>call</c>) with the additive (B, 1, T, T) mask.</summary>
    public Tensor Block(int layer, Tensor hidden, Tensor additiveMask) => blocks[layer].call(hidden, additiveMask);

    /// <summary>The final norm (through its module's <c>call</c>).</summary>
    public Tensor FinalNorm(Tensor hidden) => finalNorm.call(hidden);
}
