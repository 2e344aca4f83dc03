using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Imaging.Synthetic;

/// <summary>
/// Separable Gaussian blur for the generators (optical point-spread function, texture filtering),
/// done with TorchSharp convolutions. Kept to this one internal file so that it can be replaced by the
/// shared Gaussian filter of the Filters namespace at merge. Borders replicate the edge voxel.
/// </summary>
internal static class SyntheticBlur
{
    /// <summary>
    /// Blurs one channel in place: <paramref name="data"/> is <c>[depth, height, width]</c> in C order;
    /// sigmas are in voxels per axis (0 leaves that axis alone); the kernel is truncated at 3σ and
    /// normalised to sum 1.
    /// </summary>
    public static void Blur(float[] data, int depth, int height, int width, double sigmaZ, double sigmaY, double sigmaX)
    {
        if (data.Length != (long)depth * height * width)
            throw new ArgumentException("data length does not match the extents.", nameof(data));
        if (sigmaZ <= 0 && sigmaY <= 0 && sigmaX <= 0) return;
        using var scope = NewDisposeScope();
        var t = tensor(data, [1, 1, depth, height, width]);
        t = BlurAxis(t, 2, sigmaZ);
        t = BlurAxis(t, 3, sigmaY);
        t = BlurAxis(t, 4, sigmaX);
        t.contiguous().data<float>().CopyTo(data, 0);
    }

    private static Tensor BlurAxis(Tensor input, int axis, double sigma)
    {
        if (sigma <= 0 || input.shape[axis] == 1) return input;
        int radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var weights = new float[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) sum += weights[i + radius] = (float)Math.Exp(-0.5 * i * i / (sigma * sigma));
        for (int i = 0; i < weights.Length; i++) weights[i] = (float)(weights[i] / sum);
        long[] kernelShape = [1, 1, 1, 1, 1];
        kernelShape[axis] = weights.Length;
        var kernel = tensor(weights).reshape(kernelShape);
        // pad lists (x_lo, x_hi, y_lo, y_hi, z_lo, z_hi); replicate padding may exceed the axis length.
        long[] pad = new long[6];
        pad[(4 - axis) * 2] = pad[(4 - axis) * 2 + 1] = radius;
        var x = nn.functional.pad(input, pad, PaddingModes.Replicate);
        return nn.functional.conv3d(x, kernel);
    }
}
