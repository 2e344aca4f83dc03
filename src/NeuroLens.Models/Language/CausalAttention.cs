using NeuroLens.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Models.Language;

/// <summary>
/// Scaled dot-product attention of causal language models: each token attends to itself and the
/// tokens before it that are not padding, as Hugging Face's eager attention computes it
/// (additive mask of 0 or the dtype's most negative value, softmax in F32).
/// </summary>
internal static class CausalAttention
{
    /// <summary>
    /// The additive mask (B, 1, T, T): 0 where query t may attend to key s (s ≤ t and key s is a real
    /// token), <see cref="float.MinValue"/> elsewhere.
    /// </summary>
    /// <param name="attentionMask">(B, T) 1 for real tokens, 0 for padding (any numeric type).</param>
    public static Tensor AdditiveMask(Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        long b = attentionMask.shape[0], t = attentionMask.shape[1];
        var causal = ones(t, t, dtype: @bool, device: attentionMask.device).tril();             // (T, T)
        var keys = attentionMask.ne(TorchScalars.Zero).view(b, 1, 1, t);                                          // (B, 1, 1, T)
        var allowed = causal.view(1, 1, t, t).logical_and(keys);                                  // (B, 1, T, T)
        return zeros(allowed.shape, dtype: float32, device: attentionMask.device)
            .masked_fill(allowed.logical_not(), TorchScalars.Of((double)float.MinValue)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// softmax(q kᵀ · scale + mask) v (libtorch's fused scaled-dot-product attention) for (B, H, T, D) queries and (B, Hkv, T, D) keys and values;
    /// with grouped-query attention (Hkv &lt; H) key/value head j serves query heads
    /// j·H/Hkv … (j+1)·H/Hkv − 1 (HF's <c>repeat_kv</c>). Returns the context (B, T, H·D).
    /// </summary>
    public static Tensor Attend(Tensor q, Tensor k, Tensor v, Tensor additiveMask, double scale)
    {
        using var scope = NewDisposeScope();
        long b = q.shape[0], h = q.shape[1], t = q.shape[2], d = q.shape[3], hkv = k.shape[1];
        if (hkv != h)
        {
            k = k.repeat_interleave(h / hkv, dim: 1);
            v = v.repeat_interleave(h / hkv, dim: 1);
        }
        // libtorch's fused attention computes softmax(q kᵀ / √D + mask) v; another scale is folded into q.
        double defaultScale = 1.0 / Math.Sqrt(d);
        if (Math.Abs(scale - defaultScale) > 1e-12 * defaultScale)
        {
            using var factor = (scale / defaultScale).ToScalar();
            q = q.mul(factor);
        }
        var context = nn.functional.scaled_dot_product_attention(q, k, v, additiveMask);          // (B, H, T, D)
        return context.transpose(1, 2).reshape(b, t, h * d).MoveToOuterDisposeScope();
    }
}
