using NeuroLens.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Core.Statistics;

/// <summary>
/// Blocked nearest-centroid assignment in float64: squared Euclidean distances by the expansion
/// ‖x‖² − 2 x·c + ‖c‖² (one fused matrix product per block, clamped at 0), the nearest centroid by
/// <c>argmin</c> of ‖c‖² − 2 x·c (lowest index on ties); ‖x‖² is added to the minimum only.
/// </summary>
internal static class NearestCentroid
{
    /// <summary>Squared distances from each row of a float64 block to each centroid: block × K.</summary>
    public static Tensor SquaredDistances(Tensor block, Tensor centroids, Tensor centroidNorms)
    {
        var rowNorms = block.pow(TorchScalars.Two).sum(1, keepdim: true);
        return PartialDistances(block, centroids, centroidNorms).add_(rowNorms, TorchScalars.One).clamp_min_(TorchScalars.Of(0.0));
    }

    // ‖c‖² − 2 x·c for every row x of the block and centroid c, as one addmm: block × K.
    private static Tensor PartialDistances(Tensor block, Tensor centroids, Tensor centroidNorms) =>
        centroidNorms.unsqueeze(0).addmm(block, centroids.t(), beta: 1, alpha: -2);

    /// <summary>
    /// Assigns every row of <paramref name="data"/> to its nearest centroid, writing the labels (int64)
    /// and squared distances (float64) into the given length-n tensors; when <paramref name="sums"/> and
    /// <paramref name="counts"/> are given (K × d and K, float64), adds each row to its cluster's sum and count.
    /// </summary>
    public static void Assign(Tensor data, Tensor centroids, int blockRows, Tensor labels, Tensor distances,
        Tensor? sums = null, Tensor? counts = null)
    {
        long n = data.shape[0];
        int k = (int)centroids.shape[0];
        using var centroidNorms = centroids.pow(TorchScalars.Two).sum(1);
        for (long start = 0; start < n; start += blockRows)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(blockRows, n - start);
            var block = data.narrow(0, start, length).to(ScalarType.Float64);
            var (partial, index) = PartialDistances(block, centroids, centroidNorms).min(1);
            var nearest = partial.add_(block.pow(TorchScalars.Two).sum(1), TorchScalars.One).clamp_min_(TorchScalars.Of(0.0));
            labels.narrow(0, start, length).copy_(index);
            distances.narrow(0, start, length).copy_(nearest);
            if (sums is not null && counts is not null)
            {
                var membership = nn.functional.one_hot(index, k).to(ScalarType.Float64); // length × K
                sums.add_(membership.t().matmul(block), TorchScalars.One);
                counts.add_(membership.sum(dim: 0), TorchScalars.One);
            }
        }
    }
}
