using NeuroLens.Core;
using NeuroLens.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Imaging.Unet;

/// <summary>
/// The U-Net training loss: <c>BceWeight × BCE + DiceWeight × (1 − soft Dice)</c> on logits.
/// BCE is the mean binary cross-entropy over all elements, computed from logits
/// (<c>max(z, 0) − z·t + log(1 + e^−|z|)</c>, stable for any logit). Soft Dice is computed per sample and
/// channel over the spatial axes, <c>(2 Σ p·t + Smooth) / (Σ p + Σ t + Smooth)</c> with
/// <c>p = sigmoid(z)</c>, then averaged.
/// </summary>
/// <param name="BceWeight">Weight of the binary cross-entropy term.</param>
/// <param name="DiceWeight">Weight of the soft Dice term.</param>
/// <param name="Smooth">Additive smoothing of the Dice ratio; keeps it defined (1) for empty target and prediction.</param>
public sealed record BceDiceLoss(double BceWeight = 1.0, double DiceWeight = 1.0, double Smooth = 1.0)
{
    /// <summary>
    /// The scalar loss for <paramref name="logits"/> and <paramref name="target"/> (values in [0, 1]),
    /// both <c>[N, C, spatial…]</c> of the same shape.
    /// </summary>
    public Tensor Compute(Tensor logits, Tensor target)
    {
        if (!logits.shape.SequenceEqual(target.shape) || logits.dim() < 3)
            throw new NeuroLensException($"loss: logits [{string.Join(", ", logits.shape)}] and target [{string.Join(", ", target.shape)}] must have the same [N, C, spatial…] shape.");
        if (BceWeight < 0 || DiceWeight < 0 || Smooth < 0)
            throw new NeuroLensException($"loss: weights and smoothing must be non-negative, got BCE {BceWeight}, Dice {DiceWeight}, smooth {Smooth}.");
        using var scope = NewDisposeScope();
        var bce = nn.functional.binary_cross_entropy_with_logits(logits, target);
        var p = logits.sigmoid();
        long[] spatial = Enumerable.Range(2, (int)logits.dim() - 2).Select(i => (long)i).ToArray();
        var intersection = (p * target).sum(spatial);
        var denominator = p.sum(spatial) + target.sum(spatial);
        using var smooth = Smooth.ToScalar();
        using var bceWeight = BceWeight.ToScalar();
        using var diceWeight = DiceWeight.ToScalar();
        var dice = intersection.mul(TorchScalars.Two).add(smooth, TorchScalars.One).div(denominator.add(smooth, TorchScalars.One));
        // −mean + 1 is 1 − mean exactly.
        var loss = bce.mul(bceWeight).add(dice.mean().neg().add(TorchScalars.One, TorchScalars.One).mul(diceWeight), TorchScalars.One);
        return loss.MoveToOuterDisposeScope();
    }
}
