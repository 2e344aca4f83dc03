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
    /// <summary>
    /// Creates the root module under its TorchSharp name with the family's shape; the family then calls
    /// <see cref="Build"/> with its backbone.
    /// </summary>
    private protected CausalLanguageModel(string name, string modelType, int hiddenSize, int numLayers, int vocabSize,
        int maxPositions, bool tiedEmbeddings) : base(name)
    {
        ModelType = modelType;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        VocabSize = vocabSize;
        MaxPositions = maxPositions;
        TiedEmbeddings = tiedEmbeddings;
    }

    /// <inheritdoc/>
    public string ModelType { get; }

    /// <inheritdoc/>
    public ModelKind Kind => ModelKind.CausalLm;

    /// <inheritdoc/>
    public int HiddenSize { get; }

    /// <inheritdoc/>
    public int NumLayers { get; }

    /// <inheritdoc/>
    public int VocabSize { get; }

    /// <inheritdoc/>
    public int MaxPositions { get; }

    /// <inheritdoc/>
    public nn.Module Module => this;

    /// <inheritdoc/>
    public abstract JsonObject ConfigJson { get; }

    /// <summary>Whether the unembedding reuses the token embedding matrix (then there is no separate head parameter).</summary>
    public bool TiedEmbeddings { get; }

    private CausalBackbone? backbone;
    private string backboneName = "";
    private Linear? unembedding;

    /// <summary>
    /// Registers the backbone under <paramref name="backboneName"/> and, unless the embeddings are tied, a bias-free
    /// (C → V) unembedding under <paramref name="headName"/> (in that order, so parameter names are the checkpoint
    /// keys), then switches to eval mode.
    /// </summary>
    private protected void Build(string backboneName, CausalBackbone backbone, string headName)
    {
        this.backbone = backbone;
        this.backboneName = backboneName;
        register_module(backboneName, backbone);
        if (!TiedEmbeddings)
        {
            unembedding = nn.Linear(HiddenSize, VocabSize, hasBias: false);
            register_module(headName, unembedding);
        }
        eval();
    }

    private CausalBackbone Backbone => backbone ?? throw new InvalidOperationException("the model was not built");

    /// <summary>Modules are registered by <see cref="Build"/>, under the checkpoint names, not by field name.</summary>
    protected override void RegisterComponents() { }

    /// <summary>The module name prefix of block i without the index, e.g. <c>gpt_neox.layers.</c>.</summary>
    protected string BlockPrefix => $"{backboneName}.{Backbone.BlocksName}.";

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
    public IReadOnlyList<IReadOnlyList<string>> FeedForwardGroups(int layer)
    {
        string block = BlockName(layer);
        return FeedForwardKinds.Select(group => (IReadOnlyList<string>)group.Select(kind => $"{block}.{kind}").ToArray()).ToArray();
    }

    /// <summary>The feed-forward groups of one block relative to the block (e.g. <c>[[mlp.c_fc], [mlp.c_proj]]</c>), in data order.</summary>
    private protected abstract string[][] FeedForwardKinds { get; }

    /// <inheritdoc/>
    public Tensor Embed(Tensor inputIds) => Backbone.Embed(inputIds);

    /// <inheritdoc/>
    public Tensor Block(int layer, Tensor hidden, Tensor attentionMask)
    {
        using var additive = CausalAttention.AdditiveMask(attentionMask);
        return Backbone.Block(CheckLayer(layer), hidden, additive);
    }

    /// <inheritdoc/>
    public Tensor Head(Tensor hidden)
    {
        using var normed = Backbone.FinalNorm(hidden);
        return unembedding is not null ? unembedding.call(normed) : nn.functional.linear(normed, Backbone.TokenEmbedding);
    }

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
            var next = Backbone.Block(i, h, additive);
            h.Dispose();
            h = next;
        }
        return Head(h).MoveToOuterDisposeScope();
    }

    /// <summary>Next-token logits (B, T, V) of (B, T) ids with the (B, T) padding mask (1 real, 0 pad).</summary>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask) => Forward(inputIds, attentionMask);

    /// <summary>
    /// Writes <c>config.json</c> (<see cref="ConfigJson"/>) and <c>model.safetensors</c> in Hugging Face layout (no
    /// unembedding weight when tied, as transformers saves it), so that transformers loads the folder as this family.
    /// </summary>
    public void Save(string folder) => CheckpointFolder.Save(this, ConfigJson, folder, StoredTransposed);

    /// <summary>Which tensors (by module name) the checkpoint stores transposed, or null for none.</summary>
    private protected virtual Func<string, bool>? StoredTransposed => null;

    /// <summary>The layer index, or <see cref="ArgumentOutOfRangeException"/> naming the valid range.</summary>
    protected int CheckLayer(int layer) => layer >= 0 && layer < NumLayers ? layer
        : throw new ArgumentOutOfRangeException(nameof(layer), $"layer {layer} is outside 0..{NumLayers - 1}");
}
