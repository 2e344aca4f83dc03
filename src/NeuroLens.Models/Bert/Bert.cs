using System.Text.Json.Nodes;
using NeuroLens.Core.Runtime;
using NeuroLens.Models.Language;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroLens.Models.Bert;

// A BERT encoder (Devlin et al. 2019) as Hugging Face transformers' BertModel computes it, in the order
// data flows through it. Module and field names are the checkpoint keys, so that
// named_parameters() yields exactly "embeddings.word_embeddings.weight",
// "encoder.layer.0.attention.self.query.weight", ... and loading is a name-to-tensor copy.
// Shapes: B batch, T tokens, C hidden size, H heads, D = C / H.

/// <summary>Word, position and token-type embeddings, summed and layer-normalised.</summary>
internal sealed class BertEmbeddings : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Embedding word_embeddings, position_embeddings, token_type_embeddings;
    private readonly LayerNorm LayerNorm;

    public BertEmbeddings(BertConfig config) : base("embeddings")
    {
        word_embeddings = nn.Embedding(config.VocabSize, config.HiddenSize);
        position_embeddings = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize);
        token_type_embeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>(B, T) ids and token types to (B, T, C); positions are 0..T-1 (absolute).</summary>
    public override Tensor forward(Tensor inputIds, Tensor tokenTypeIds)
    {
        using var scope = NewDisposeScope();
        using var length = inputIds.shape[1].ToScalar();
        using var positions = arange(TorchScalars.Zero, length, TorchScalars.One, dtype: int64, device: inputIds.device).unsqueeze(0);
        var x = word_embeddings.call(inputIds) + token_type_embeddings.call(tokenTypeIds) + position_embeddings.call(positions);
        return LayerNorm.call(x).MoveToOuterDisposeScope();
    }
}

/// <summary>Multi-head self-attention: the query, key and value projections.</summary>
internal sealed class BertSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear query, key, value;
    private readonly int heads;

    public BertSelfAttention(BertConfig config) : base("self")
    {
        query = nn.Linear(config.HiddenSize, config.HiddenSize);
        key = nn.Linear(config.HiddenSize, config.HiddenSize);
        value = nn.Linear(config.HiddenSize, config.HiddenSize);
        heads = config.NumAttentionHeads;
        RegisterComponents();
    }

    /// <summary>(B, T, C) and the additive mask (B, 1, 1, T) to the attention context (B, T, C).</summary>
    public override Tensor forward(Tensor x, Tensor additiveMask)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1], c = x.shape[2];
        Tensor Heads(Linear projection) => projection.call(x).view(b, t, heads, c / heads).transpose(1, 2); // (B, H, T, D)
        // softmax(q kᵀ / √D + mask) v, the same product HF's eager attention computes.
        var context = nn.functional.scaled_dot_product_attention(Heads(query), Heads(key), Heads(value), additiveMask);
        return context.transpose(1, 2).reshape(b, t, c).MoveToOuterDisposeScope();
    }
}

/// <summary>A projection, residual add and LayerNorm: HF's BertSelfOutput and BertOutput (post-LN).</summary>
internal sealed class BertResidualOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly LayerNorm LayerNorm;

    public BertResidualOutput(int inFeatures, BertConfig config) : base("output")
    {
        dense = nn.Linear(inFeatures, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>LayerNorm(dense(h) + residual).</summary>
    public override Tensor forward(Tensor hidden, Tensor residual)
    {
        using var projected = dense.call(hidden);
        using var sum = projected + residual;
        return LayerNorm.call(sum);
    }
}

/// <summary>Self-attention followed by its output projection, residual and LayerNorm.</summary>
internal sealed class BertAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertSelfAttention self;
    private readonly BertResidualOutput output;

    public BertAttention(BertConfig config) : base("attention")
    {
        self = new BertSelfAttention(config);
        output = new BertResidualOutput(config.HiddenSize, config);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor additiveMask)
    {
        using var context = self.call(x, additiveMask);
        return output.call(context, x);
    }
}

/// <summary>The first feed-forward projection and its activation (the layer the Entanglement study captures).</summary>
internal sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly bool relu;

    public BertIntermediate(BertConfig config) : base("intermediate")
    {
        dense = nn.Linear(config.HiddenSize, config.IntermediateSize);
        relu = config.HiddenAct == "relu";
        RegisterComponents();
    }

    /// <summary>(B, T, C) to (B, T, 4C): act(dense(x)); GELU is the exact erf form, as in BERT.</summary>
    public override Tensor forward(Tensor x)
    {
        using var pre = dense.call(x);
        return relu ? nn.functional.relu(pre) : nn.functional.gelu(pre);
    }
}

/// <summary>One post-LN transformer block: attention sublayer, then feed-forward sublayer.</summary>
/// <summary>One BERT block (internal).</summary>
internal sealed class BertLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertAttention attention;
    private readonly BertIntermediate intermediate;
    private readonly BertResidualOutput output;

    public BertLayer(BertConfig config) : base("layer")
    {
        attention = new BertAttention(config);
        intermediate = new BertIntermediate(config);
        output = new BertResidualOutput(config.IntermediateSize, config);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor additiveMask)
    {
        using var attended = attention.call(x, additiveMask);
        using var hidden = intermediate.call(attended);
        return output.call(hidden, attended);
    }
}

/// <summary>The stack of blocks, registered as <c>layer.{i}</c>.</summary>
internal sealed class BertEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ModuleList<BertLayer> layer;

    public BertEncoder(BertConfig config) : base("encoder")
    {
        layer = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new BertLayer(config)).ToArray());
        RegisterComponents();
    }

    /// <summary>Block <paramref name="index"/>.</summary>
    public BertLayer this[int index] => layer[index];

    public override Tensor forward(Tensor x, Tensor additiveMask)
    {
        var h = x.alias();
        foreach (var block in layer)
        {
            var next = block.call(h, additiveMask);
            h.Dispose();
            h = next;
        }
        return h;
    }
}

/// <summary>The optional pooler of BERT's next-sentence objective: tanh(dense(h_[CLS])).</summary>
internal sealed class BertPooler : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;

    public BertPooler(BertConfig config) : base("pooler")
    {
        dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        RegisterComponents();
    }

    public override Tensor forward(Tensor lastHiddenState)
    {
        using var first = lastHiddenState.select(1, 0);
        using var projected = dense.call(first);
        return projected.tanh();
    }
}

/// <summary>
/// A BERT encoder whose parameter names are the Hugging Face checkpoint keys
/// (<c>embeddings.*</c>, <c>encoder.layer.{i}.*</c>, optional <c>pooler.dense.*</c>), computing what
/// transformers' <c>BertModel</c> computes in eval mode: post-LN blocks, exact (erf) GELU, padding
/// masked out of attention. Dropout is absent (inference and analysis only). Create it from a
/// <see cref="BertConfig"/>, load weights with <see cref="BertCheckpoint"/>.
/// </summary>
public sealed class BertModel : nn.Module<Tensor, Tensor, Tensor>, ILanguageModel
{
    private readonly BertEmbeddings embeddings;
    private readonly BertEncoder encoder;
    private readonly BertPooler? pooler;

    /// <summary>Creates a randomly initialised encoder (TorchSharp's default initialisation), on the CPU, in eval mode.</summary>
    /// <param name="config">The sizes.</param>
    /// <param name="withPooler">Whether the model has the <c>pooler.dense</c> layer (checkpoints differ).</param>
    public BertModel(BertConfig config, bool withPooler = false) : base("bert")
    {
        config.Validate("BertConfig");
        Config = config;
        embeddings = new BertEmbeddings(config);
        encoder = new BertEncoder(config);
        if (withPooler) pooler = new BertPooler(config);
        RegisterComponents();
        eval();
    }

    /// <summary>The model's configuration.</summary>
    public BertConfig Config { get; }

    /// <summary>Whether the model has the pooler layer.</summary>
    public bool HasPooler => pooler is not null;

    /// <summary>
    /// The names of every linear layer, in the order data flows through them:
    /// <c>encoder.layer.{i}.attention.self.query|key|value</c>, <c>encoder.layer.{i}.attention.output.dense</c>,
    /// <c>encoder.layer.{i}.intermediate.dense</c>, <c>encoder.layer.{i}.output.dense</c>, then
    /// <c>pooler.dense</c> when present. Each is a <see cref="Linear"/> reachable with <c>named_modules()</c>.
    /// </summary>
    public IReadOnlyList<string> LinearLayerNames =>
        named_modules().Where(m => m.module is Linear).Select(m => m.name).ToList();

    /// <summary>The linear layer of that name (one of <see cref="LinearLayerNames"/>), e.g. <c>encoder.layer.0.intermediate.dense</c>.</summary>
    /// <exception cref="ArgumentException">No linear layer has that name; the message lists the layer kinds.</exception>
    public Linear GetLinear(string name) =>
        named_modules().FirstOrDefault(m => m.name == name).module as Linear
        ?? throw new ArgumentException(
            $"no linear layer named '{name}' (expected encoder.layer.{{0..{Config.NumHiddenLayers - 1}}}.attention.self.query|key|value, "
            + "attention.output.dense, intermediate.dense, output.dense" + (HasPooler ? ", or pooler.dense)" : ")"), nameof(name));

    /// <inheritdoc/>
    public string ModelType => "bert";

    /// <inheritdoc/>
    public ModelKind Kind => ModelKind.Encoder;

    /// <inheritdoc/>
    public int HiddenSize => Config.HiddenSize;

    /// <inheritdoc/>
    public int NumLayers => Config.NumHiddenLayers;

    /// <inheritdoc/>
    public int VocabSize => Config.VocabSize;

    /// <inheritdoc/>
    public int MaxPositions => Config.MaxPositionEmbeddings;

    /// <inheritdoc/>
    public nn.Module Module => this;

    /// <inheritdoc/>
    public JsonObject ConfigJson => Config.ToJson();

    /// <inheritdoc/>
    public string BlockName(int layer) => $"encoder.layer.{CheckLayer(layer)}";

    /// <inheritdoc/>
    public IReadOnlyList<IReadOnlyList<string>> FeedForwardGroups(int layer) =>
        [[$"encoder.layer.{CheckLayer(layer)}.intermediate.dense"], [$"encoder.layer.{layer}.output.dense"]];

    /// <inheritdoc/>
    public Tensor Embed(Tensor inputIds)
    {
        using var types = zeros_like(inputIds);
        return embeddings.call(inputIds, types);
    }

    /// <inheritdoc/>
    public Tensor Block(int layer, Tensor hidden, Tensor attentionMask)
    {
        using var additive = AdditiveMask(attentionMask);
        return encoder[CheckLayer(layer)].call(hidden, additive);
    }

    /// <inheritdoc/>
    public Tensor Head(Tensor hidden) => hidden.alias();

    /// <inheritdoc/>
    public Tensor Forward(Tensor inputIds, Tensor attentionMask) => forward(inputIds, attentionMask);

    /// <inheritdoc/>
    public void Save(string folder) => BertCheckpoint.Save(this, folder);

    private int CheckLayer(int layer) => layer >= 0 && layer < Config.NumHiddenLayers ? layer
        : throw new ArgumentOutOfRangeException(nameof(layer), $"layer {layer} is outside 0..{Config.NumHiddenLayers - 1}");

    // HF's extended attention mask: 0 where attended, the dtype's most negative value where padded; (B, 1, 1, T).
    private static Tensor AdditiveMask(Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        // −m + 1 is 1 − m exactly.
        return attentionMask.to_type(float32).neg().add_(TorchScalars.One, TorchScalars.One).mul(TorchScalars.Of((double)float.MinValue))
            .view(attentionMask.shape[0], 1, 1, attentionMask.shape[1]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The last hidden state (B, T, C): HF's <c>last_hidden_state</c>.
    /// </summary>
    /// <param name="inputIds">(B, T) int64 token ids.</param>
    /// <param name="attentionMask">(B, T) 1 for real tokens, 0 for padding (any integer or float type).</param>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask) => Forward(inputIds, attentionMask, null);

    /// <summary>The last hidden state (B, T, C), with explicit token types (B, T) int64 (null: all 0).</summary>
    public Tensor Forward(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds)
    {
        if (inputIds.dim() != 2 || !attentionMask.shape.SequenceEqual(inputIds.shape))
            throw new ArgumentException($"input_ids (B, T) and attention_mask of the same shape expected, got [{string.Join(", ", inputIds.shape)}] and [{string.Join(", ", attentionMask.shape)}]");
        if (inputIds.shape[1] > Config.MaxPositionEmbeddings)
            throw new ArgumentException($"{inputIds.shape[1]} tokens exceed max_position_embeddings {Config.MaxPositionEmbeddings}");
        using var scope = NewDisposeScope();
        var types = tokenTypeIds ?? zeros_like(inputIds);
        var additive = AdditiveMask(attentionMask);
        var x = embeddings.call(inputIds, types);
        return encoder.call(x, additive).MoveToOuterDisposeScope();
    }

    /// <summary>The pooler output tanh(W h_[CLS] + b), (B, C); only for models that have the pooler.</summary>
    public Tensor Pool(Tensor lastHiddenState) =>
        (pooler ?? throw new InvalidOperationException("this model has no pooler layer")).forward(lastHiddenState);

    /// <summary>
    /// Sentence embeddings (B, C) by the sentence-transformers convention: the mean of the last hidden
    /// state over the real (unmasked) tokens, [CLS] and [SEP] included; optionally divided by its
    /// L2 norm (clamped at 1e-12, as <c>torch.nn.functional.normalize</c>).
    /// </summary>
    public static Tensor MeanPool(Tensor lastHiddenState, Tensor attentionMask, bool normalize)
    {
        using var scope = NewDisposeScope();
        var mask = attentionMask.to_type(lastHiddenState.dtype).unsqueeze(-1);     // (B, T, 1)
        var sum = (lastHiddenState * mask).sum(1);                                 // (B, C)
        var count = mask.sum(1).clamp_min(TorchScalars.Of(1e-9));                                   // (B, 1), as sentence-transformers
        var mean = sum / count;
        return (normalize ? nn.functional.normalize(mean, p: 2, dim: 1) : mean).MoveToOuterDisposeScope();
    }

    /// <summary>Sentence embeddings (B, C) from the [CLS] token's hidden state, optionally L2-normalised.</summary>
    public static Tensor ClsPool(Tensor lastHiddenState, bool normalize)
    {
        using var first = lastHiddenState.select(1, 0);
        return normalize ? nn.functional.normalize(first, p: 2, dim: 1) : first.clone();
    }
}
