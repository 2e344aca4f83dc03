using NeuroLens.Core;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Unet;

namespace NeuroLens.Transfer;

/// <summary>
/// Uncertainty of a source model on unlabelled target patches, the score of source-free active
/// learning (transfer.md §5): the mean over pixels of the binary entropy of the predicted boundary
/// probability, H(p) = −p log₂ p − (1 − p) log₂(1 − p), in bits (0 for a confident pixel, 1 at p = ½).
/// </summary>
public static class Uncertainty
{
    /// <summary>Mean per-pixel binary entropy, in bits, of a boundary-probability map (values clamped to [0, 1]; 0 log 0 = 0).</summary>
    public static double MeanBinaryEntropy(Volume<float> probabilities)
    {
        var data = probabilities.Data;
        if (data.Length == 0) throw new NeuroLensException("uncertainty: empty probability map.");
        double sum = 0;
        foreach (float value in data)
        {
            double p = Math.Clamp((double)value, 0, 1);
            if (double.IsNaN(value)) throw new NeuroLensException("uncertainty: the probability map holds NaN.");
            sum += BinaryEntropy(p);
        }
        return sum / data.Length;
    }

    /// <summary>H(p) in bits, with 0 log 0 = 0.</summary>
    public static double BinaryEntropy(double p) =>
        (p <= 0 || p >= 1 ? 0 : -p * Math.Log2(p)) + (p >= 1 || p <= 0 ? 0 : -(1 - p) * Math.Log2(1 - p));

    /// <summary>The score of every patch under <paramref name="model"/>'s boundary predictions.</summary>
    public static double[] Scores(UNet model, IReadOnlyList<Volume<float>> images) =>
        [.. PatchFeatures.Boundaries(model, images).Select(MeanBinaryEntropy)];
}
