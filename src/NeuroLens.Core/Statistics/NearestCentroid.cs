using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Core.Statistics;

/// <summary>
/// Blocked nearest-centroid assignment in float64: squared Euclidean distances by the expansion
/// ‖x‖² − 2 x·c + ‖c‖² (one matrix product per block, clamped at 0), the nearest centroid by
/// <c>argmin</c> (lowest index on ties).
/// </summary>
internal static class NearestCentroid
{
    /// <summary>Squared distances from each row of a float64 block to each centroid: block × K.</summary>
    public static Tensor SquaredDistances(Tensor block, Tensor centroids, Tensor centroidNorms)
    {
        var rowNorms = block.square().sum(1, keepdim: true);
        return (rowNorms - 2.0 * block.matmul(centroids.t()) + centroidNorms).clamp_min_(0.0);
    }

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
        using var centroidNorms = centroids.square().sum(1);
        for (long start = 0; start < n; start += blockRows)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(blockRows, n - start);
            var block = data.narrow(0, start, length).to(ScalarType.Float64);
            var (nearest, index) = SquaredDistances(block, centroids, centroidNorms).min(1);
            labels.narrow(0, start, length).copy_(index);
            distances.narrow(0, start, length).copy_(nearest);
            if (sums is not null && counts is not null)
            {
                var membership = nn.functional.one_hot(index, k).to(ScalarType.Float64); // length × K
                sums.add_(membership.t().matmul(block));
                counts.add_(membership.sum(dim: 0));
            }
        }
    }
}
