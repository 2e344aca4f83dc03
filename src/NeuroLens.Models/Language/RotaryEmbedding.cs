using NeuroLens.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Models.Language;

/// <summary>
/// Rotary position embedding (Su et al. 2021) in the rotate-half convention of GPT-NeoX and Llama in
/// Hugging Face transformers: for the first <c>rotaryDims</c> features of each head, with
/// <c>inv_freq[j] = θ^(-2j / rotaryDims)</c> and angles <c>pos · inv_freq</c> repeated twice
/// (<c>cat(freqs, freqs)</c>), <c>x' = x·cos + rotate_half(x)·sin</c> where
/// <c>rotate_half(x) = cat(-x₂, x₁)</c> of the two halves. Features past <c>rotaryDims</c> pass unchanged
/// (GPT-NeoX's partial rotary, <c>rotary_pct</c>).
/// </summary>
internal static class RotaryEmbedding
{
    /// <summary>The (T, rotaryDims) cosine and sine tables of positions 0..T-1, in F32 on <paramref name="device"/>.</summary>
    public static (Tensor Cos, Tensor Sin) Tables(long tokens, int rotaryDims, double theta, Device device)
    {
        using var scope = NewDisposeScope();
        // inv_freq as HF computes it: 1 / θ^(arange(0, d, 2) / d), in F32.
        using var dims = rotaryDims.ToScalar();
        using var length = tokens.ToScalar();
        var exponents = arange(TorchScalars.Zero, dims, TorchScalars.Two, dtype: int64, device: device).to_type(float32).div(dims);
        var invFreq = pow(tensor((float)theta, device: device), exponents).reciprocal(); // 1/x, correctly rounded as 1.0f / x
        var positions = arange(TorchScalars.Zero, length, TorchScalars.One, dtype: int64, device: device).to_type(float32);
        var freqs = outer(positions, invFreq);
        var emb = cat([freqs, freqs], -1);
        return (emb.cos().MoveToOuterDisposeScope(), emb.sin().MoveToOuterDisposeScope());
    }

    /// <summary>Rotates the first <c>cos.shape[-1]</c> features of (B, H, T, D) by the tables from <see cref="Tables"/>.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        long rotary = cos.shape[^1], d = x.shape[^1];
        var rot = rotary == d ? x : x.narrow(-1, 0, rotary);
        var half = rotary / 2;
        var rotated = cat([rot.narrow(-1, half, half).neg(), rot.narrow(-1, 0, half)], -1);
        var result = rot * cos + rotated * sin;
        if (rotary < d) result = cat([result, x.narrow(-1, rotary, d - rotary)], -1);
        return result.MoveToOuterDisposeScope();
    }
}
