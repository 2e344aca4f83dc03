using NeuroLens.Core.Runtime;

namespace NeuroLens.Imaging.Filters;

/// <summary>
/// Closed-form eigenvalues of real symmetric 2×2 and 3×3 matrices, sorted descending (λ₁ ≥ λ₂ ≥ λ₃, as
/// vigra's <c>tensorEigenRepresentation</c>). The 3×3 case uses the analytic trigonometric method
/// (O. K. Smith, "Eigenvalues of a symmetric 3 × 3 matrix", CACM 4(4), 1961), computed in float64.
/// </summary>
public static class SymmetricEigenvalues
{
    /// <summary>Eigenvalues of [[a, b], [b, c]], descending.</summary>
    public static (double L1, double L2) Of2x2(double a, double b, double c)
    {
        double mean = 0.5 * (a + c), half = 0.5 * (a - c);
        double d = Math.Sqrt(half * half + b * b);
        return (mean + d, mean - d);
    }

    /// <summary>Eigenvalues of [[a11, a12, a13], [a12, a22, a23], [a13, a23, a33]], descending.</summary>
    public static (double L1, double L2, double L3) Of3x3(double a11, double a12, double a13, double a22, double a23, double a33)
    {
        double p1 = a12 * a12 + a13 * a13 + a23 * a23;
        double q = (a11 + a22 + a33) / 3;
        double d11 = a11 - q, d22 = a22 - q, d33 = a33 - q;
        double p2 = d11 * d11 + d22 * d22 + d33 * d33 + 2 * p1;
        if (p2 <= 0 || p1 <= 1e-30 * p2)
            return Sort3(a11, a22, a33); // (numerically) diagonal
        double p = Math.Sqrt(p2 / 6);
        // r = det((A − qI)/p) / 2, clamped to [−1, 1] against rounding.
        double det = d11 * (d22 * d33 - a23 * a23) - a12 * (a12 * d33 - a23 * a13) + a13 * (a12 * a23 - d22 * a13);
        double r = det / (2 * p * p * p);
        double phi = r <= -1 ? Math.PI / 3 : r >= 1 ? 0 : Math.Acos(r) / 3;
        double l1 = q + 2 * p * Math.Cos(phi);
        double l3 = q + 2 * p * Math.Cos(phi + 2 * Math.PI / 3);
        return (l1, 3 * q - l1 - l3, l3);
    }

    private static (double, double, double) Sort3(double a, double b, double c)
    {
        if (a < b) (a, b) = (b, a);
        if (b < c) (b, c) = (c, b);
        if (a < b) (a, b) = (b, a);
        return (a, b, c);
    }

    /// <summary>
    /// Eigenvalues of a field of symmetric tensors given by their upper-triangle components
    /// (2D: yy, yx, xx; 3D: zz, zy, zx, yy, yx, xx), each shaped <c>[channels, voxels]</c>. Returns
    /// <c>[channels × d, voxels]</c> with eigenvalue k (descending) of channel c at channel c·d + k.
    /// </summary>
    internal static float[] OfTensorField(float[][] components, int dimensions, int channels, int voxels)
    {
        var result = new float[checked(components[0].Length * dimensions)];
        const int Block = 4096;
        int blocks = (components[0].Length + Block - 1) / Block;
        Parallel.For(0, blocks, ComputeSettings.ParallelOptions, block =>
        {
            int start = block * Block, end = Math.Min(components[0].Length, start + Block);
            for (int i = start; i < end; i++)
            {
                int c = i / voxels, v = i - c * voxels;
                int o = c * dimensions * voxels + v;
                if (dimensions == 2)
                {
                    var (l1, l2) = Of2x2(components[0][i], components[1][i], components[2][i]);
                    result[o] = (float)l1;
                    result[o + voxels] = (float)l2;
                }
                else
                {
                    var (l1, l2, l3) = Of3x3(components[0][i], components[1][i], components[2][i],
                                             components[3][i], components[4][i], components[5][i]);
                    result[o] = (float)l1;
                    result[o + voxels] = (float)l2;
                    result[o + 2 * voxels] = (float)l3;
                }
            }
        });
        return result;
    }
}
