using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroLens.Models.Language;

/// <summary>
/// What the causal families (GPT-NeoX, GPT-2, Llama) share: the <see cref="ILanguageModel"/> plumbing
/// around a family's embedding, blocks and head. <see cref="Forward"/> is <see cref="Head"/> of every
/// <see cref="Block"/> of <see cref="Embed"/>, with the causal-and-padding mask built once; positions are
/// 0..T-1 for every row, so padding goes on the right. Modules are created in eval mode on the CPU.
/// </summary>
public abstract class CausalLanguageModel : nn.Module<Tensor, Tensor, Tensor>, ILanguageModel
{
    /// <summary>Creates the root module under its TorchSharp name.</summary>
    protected CausalLanguageModel(string name) : base(name) { }

    /// <inheritdoc/>
    public abstract string ModelType { get; }

    /// <inheritdoc/>
    public ModelKind Kind => ModelKind.CausalLm;

    /// <inheritdoc/>
    public abstract int HiddenSize { get; }

    /// <inheritdoc/>
    public abstract int NumLayers { get; }

    /// <inheritdoc/>
    public abstract int VocabSize { get; }

    /// <inheritdoc/>
    public abstract int MaxPositions { get; }

    /// <inheritdoc/>
    public nn.Module Module => this;

    /// <inheritdoc/>
    public abstract JsonObject ConfigJson { get; }

    /// <summary>Whether the unembedding reuses the token embedding matrix (then there is no separate head parameter).</summary>
    public abstract bool TiedEmbeddings { get; }

    /// <summary>The module name prefix of block i without the index, e.g. <c>gpt_neox.layers.</c>.</summary>
    protected abstract string BlockPrefix { get; }

    /// <summary>The linear layer names of one block, relative to the block (e.g. <c>attention.dense</c>), for error messages.</summary>
    protected abstract string LinearKinds { get; }

    /// <summary>Every linear layer's module name in data order: the blocks' (in block order), then the unembedding when it is a separate layer.</summary>
    public IReadOnlyList<string> LinearLayerNames
    {
        get
        {
            var names = named_modules().Where(m => m.module is Linear).Select(m => m.name).ToList();
            return names.Where(n => n.StartsWith(BlockPrefix, StringComparison.Ordinal))
                .Concat(names.Where(n => !n.StartsWith(BlockPrefix, StringComparison.Ordinal))).ToList();
        }
    }

    /// <inheritdoc/>
    public Linear GetLinear(string name) =>
        named_modules().FirstOrDefault(m => m.name == name).module as Linear
        ?? throw new ArgumentException(
            $"no linear layer named '{name}' (expected {BlockPrefix}{{0..{NumLayers - 1}}}.{LinearKinds}"
            + (TiedEmbeddings ? "; the unembedding is tied to the token embedding)" : ")"), nameof(name));

    /// <inheritdoc/>
    public string BlockName(int layer) => BlockPrefix + CheckLayer(layer);

    /// <inheritdoc/>
    public abstract IReadOnlyList<IReadOnlyList<string>> FeedForwardGroups(int layer);

    /// <inheritdoc/>
    public abstract Tensor Embed(Tensor inputIds);

    /// <inheritdoc/>
    public Tensor Block(int layer, Tensor hidden, Tensor attentionMask)
    {
        using var additive = CausalAttention.AdditiveMask(attentionMask);
        return RunBlock(CheckLayer(layer), hidden, additive);
    }

    /// <summary>Runs block <paramref name="layer"/> (through its module's <c>call</c>) with the additive (B, 1, T, T) mask.</summary>
    protected abstract Tensor RunBlock(int layer, Tensor hidden, Tensor additiveMask);

    /// <inheritdoc/>
    public abstract Tensor Head(Tensor hidden);

    /// <inheritdoc/>
    public Tensor Forward(Tensor inputIds, Tensor attentionMask)
    {
        if (inputIds.dim() != 2 || !attentionMask.shape.SequenceEqual(inputIds.shape))
            throw new ArgumentException($"input_ids (B, T) and attention_mask of the same shape expected, got [{string.Join(", ", inputIds.shape)}] and [{string.Join(", ", attentionMask.shape)}]");
        if (inputIds.shape[1] > MaxPositions)
            throw new ArgumentException($"{inputIds.shape[1]} tokens exceed the context length {MaxPositions}");
        using var scope = NewDisposeScope();
        var additive = CausalAttention.AdditiveMask(attentionMask);
        var h = Embed(inputIds);
        for (int i = 0; i < NumLayers; i++)
        {
            var next = RunBlock(i, h, additive);
            h.Dispose();
            h = next;
        }
        return Head(h).MoveToOuterDisposeScope();
    }

    /// <summary>Next-token logits (B, T, V) of (B, T) ids with the (B, T) padding mask (1 real, 0 pad).</summary>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask) => Forward(inputIds, attentionMask);

    /// <inheritdoc/>
    public abstract void Save(string folder);

    /// <summary>The layer index, or <see cref="ArgumentOutOfRangeException"/> naming the valid range.</summary>
    protected int CheckLayer(int layer) => layer >= 0 && layer < NumLayers ? layer
        : throw new ArgumentOutOfRangeException(nameof(layer), $"layer {layer} is outside 0..{NumLayers - 1}");
}
