using NeuroLens.Imaging.Filters;

namespace NeuroLens.Imaging.Synthetic;

/// <summary>
/// Optical blur of the generators: the shared <see cref="GaussianFilter"/> (truncated at 4σ, 'reflect'
/// border) applied in place to a raw single-channel buffer, so the generators keep working on flat arrays.
/// </summary>
internal static class SyntheticBlur
{
    /// <summary>Blurs <paramref name="data"/> ([z, y, x], C order) in place; σ per axis in voxels, 0 skips an axis.</summary>
    public static void Blur(float[] data, int depth, int height, int width, double sigmaZ, double sigmaY, double sigmaX)
    {
        if (sigmaZ <= 0 && sigmaY <= 0 && sigmaX <= 0) return;
        var volume = new Volume<float>(data, depth, height, width, 1, depth == 1 ? 2 : 3);
        double[] sigma = depth == 1 ? [sigmaY, sigmaX] : [sigmaZ, sigmaY, sigmaX];
        GaussianFilter.Smooth(volume, sigma).Data.CopyTo(data, 0);
    }
}
