using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroLens.Models.Language;

/// <summary>Whether a model encodes whole texts (bidirectional) or predicts the next token.</summary>
public enum ModelKind
{
    /// <summary>A bidirectional encoder (BERT family): its output is the last hidden state.</summary>
    Encoder,

    /// <summary>A causal language model (GPT-NeoX, GPT-2, Llama): its output is next-token logits.</summary>
    CausalLm,
}

/// <summary>
/// What every transformer family in NeuroLens offers to the studies, so that they walk any model the
/// same way: named linear layers (Hugging Face module names, e.g. <c>gpt_neox.layers.3.mlp.dense_h_to_4h</c>),
/// a block-by-block forward for layer-sequential work (pruning, expansion), and the module names whose
/// outputs are the residual stream.
/// <para>
/// Every submodule is invoked with TorchSharp's <c>call</c> (not <c>forward</c>), so forward hooks and
/// pre-hooks registered on a linear layer or a block see its input and output and may replace the
/// output: this is how activations are captured and how layers are ablated or swapped for experts.
/// Forwards run inside TorchSharp dispose scopes: a hook that keeps a tensor must call
/// <c>DetachFromDisposeScope()</c> on its copy (or copy the values out), or the tensor is freed when the
/// forward returns.
/// </para>
/// </summary>
public interface ILanguageModel : IDisposable
{
    /// <summary>The Hugging Face <c>model_type</c>: <c>bert</c>, <c>gpt_neox</c>, <c>gpt2</c> or <c>llama</c>.</summary>
    string ModelType { get; }

    /// <summary>Encoder or causal language model.</summary>
    ModelKind Kind { get; }

    /// <summary>Width of the residual stream.</summary>
    int HiddenSize { get; }

    /// <summary>Number of transformer blocks.</summary>
    int NumLayers { get; }

    /// <summary>Vocabulary size (rows of the token embedding).</summary>
    int VocabSize { get; }

    /// <summary>Longest input in tokens (the context length).</summary>
    int MaxPositions { get; }

    /// <summary>The root module; <c>named_parameters()</c> yields the checkpoint keys.</summary>
    nn.Module Module { get; }

    /// <summary>Every linear layer's module name, in the order data flows through them.</summary>
    IReadOnlyList<string> LinearLayerNames { get; }

    /// <summary>The linear layer of that name; <see cref="ArgumentException"/> naming the valid kinds when there is none.</summary>
    Linear GetLinear(string name);

    /// <summary>The module name of block <paramref name="layer"/> (e.g. <c>encoder.layer.2</c>); its output is <c>resid_post[layer]</c> = HF <c>hidden_states[layer + 1]</c>.</summary>
    string BlockName(int layer);

    /// <summary>
    /// The feed-forward linear layers of block <paramref name="layer"/>, grouped by shared input, in data
    /// order: BERT <c>[[intermediate.dense], [output.dense]]</c>, GPT-NeoX <c>[[dense_h_to_4h], [dense_4h_to_h]]</c>,
    /// GPT-2 <c>[[c_fc], [c_proj]]</c>, Llama <c>[[gate_proj, up_proj], [down_proj]]</c> (full module names).
    /// The first group's layers are the neurons the Entanglement study measures by default.
    /// </summary>
    IReadOnlyList<IReadOnlyList<string>> FeedForwardGroups(int layer);

    /// <summary>The hidden state entering block 0 (B, T, C): HF <c>hidden_states[0]</c>.</summary>
    /// <param name="inputIds">(B, T) int64 token ids.</param>
    Tensor Embed(Tensor inputIds);

    /// <summary>Runs block <paramref name="layer"/> on (B, T, C) with the (B, T) padding mask (1 real, 0 pad); causal models add the causal mask themselves.</summary>
    Tensor Block(int layer, Tensor hidden, Tensor attentionMask);

    /// <summary>After the last block: causal LMs apply the final norm and unembedding, giving logits (B, T, V); encoders return the last hidden state.</summary>
    Tensor Head(Tensor hidden);

    /// <summary><see cref="Head"/> of every <see cref="Block"/> of <see cref="Embed"/>: logits (causal) or the last hidden state (encoder).</summary>
    Tensor Forward(Tensor inputIds, Tensor attentionMask);

    /// <summary>The <c>config.json</c> this model saves (newest Hugging Face field names).</summary>
    JsonObject ConfigJson { get; }

    /// <summary>Writes <c>config.json</c> and <c>model.safetensors</c> into <paramref name="folder"/> in Hugging Face layout, each file atomically.</summary>
    void Save(string folder);
}
