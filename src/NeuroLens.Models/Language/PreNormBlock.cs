using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Models.Language;

/// <summary>
/// A pre-norm transformer block as the causal families compute it: sequential, h = x + attn(norm₁ x) then
/// h + mlp(norm₂ h); or parallel (GPT-NeoX's default), x + attn(norm₁ x) + mlp(norm₂ x). The four parts are
/// registered under the family's checkpoint names in the order norm₁, norm₂, attention, feed-forward.
/// </summary>
internal sealed class PreNormBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> attentionNorm, mlpNorm, mlp;
    private readonly nn.Module<Tensor, Tensor, Tensor> attention;
    private readonly bool parallel;

    /// <param name="attentionNorm">The norm before the attention and its name (<c>ln_1</c>, <c>input_layernorm</c>).</param>
    /// <param name="mlpNorm">The norm before the feed-forward and its name (<c>ln_2</c>, <c>post_attention_layernorm</c>).</param>
    /// <param name="attention">The self-attention (hidden state, additive mask) and its name.</param>
    /// <param name="mlp">The feed-forward and its name.</param>
    /// <param name="parallel">Attention and feed-forward both read x (parallel residual).</param>
    public PreNormBlock((string Name, nn.Module<Tensor, Tensor> Module) attentionNorm, (string Name, nn.Module<Tensor, Tensor> Module) mlpNorm,
        (string Name, nn.Module<Tensor, Tensor, Tensor> Module) attention, (string Name, nn.Module<Tensor, Tensor> Module) mlp, bool parallel = false)
        : base("block")
    {
        this.attentionNorm = attentionNorm.Module;
        this.mlpNorm = mlpNorm.Module;
        this.attention = attention.Module;
        this.mlp = mlp.Module;
        this.parallel = parallel;
        register_module(attentionNorm.Name, this.attentionNorm);
        register_module(mlpNorm.Name, this.mlpNorm);
        register_module(attention.Name, this.attention);
        register_module(mlp.Name, this.mlp);
    }

    /// <summary>Parts are registered under their checkpoint names by the constructor, not by field name.</summary>
    protected override void RegisterComponents() { }

    public override Tensor forward(Tensor x, Tensor additiveMask)
    {
        using var scope = NewDisposeScope();
        var attended = attention.call(attentionNorm.call(x), additiveMask);
        if (parallel)
            return (x + attended + mlp.call(mlpNorm.call(x))).MoveToOuterDisposeScope();
        var h = x + attended;
        return (h + mlp.call(mlpNorm.call(h))).MoveToOuterDisposeScope();
    }
}
