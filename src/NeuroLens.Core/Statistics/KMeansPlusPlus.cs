using NeuroLens.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Core.Statistics;

/// <summary>
/// Greedy k-means++ seeding as in scikit-learn's <c>_kmeans_plusplus</c> (Arthur &amp; Vassilvitskii 2007,
/// with the greedy refinement): the first centre is a uniformly drawn sample; each further centre is the
/// best of 2 + ⌊ln K⌋ candidates drawn with probability proportional to D(x)², the squared distance to
/// the nearest centre chosen so far — "best" meaning the lowest resulting potential Σ D(x)².
/// </summary>
internal static class KMeansPlusPlus
{
    /// <summary>Chooses K initial centres (K × d, float64, on the data's device).</summary>
    public static Tensor Initialize(Tensor data, int clusters, Random random, int blockRows)
    {
        long n = data.shape[0];
        int trials = 2 + (int)Math.Log(clusters);
        var device = data.device;
        using var centers = torch.empty(clusters, data.shape[1], dtype: ScalarType.Float64, device: device);
        using var closest = torch.empty(n, dtype: ScalarType.Float64, device: device);
        // D² after adding each candidate, trials × n: one pass over the data per centre (as sklearn).
        using var candidateClosest = torch.empty(trials, n, dtype: ScalarType.Float64, device: device);

        using var lastIndex = (n - 1).ToScalar();
        double potential;
        using (NewDisposeScope())
        {
            centers[0].copy_(data[random.Next((int)Math.Min(n, int.MaxValue))].to(ScalarType.Float64));
            Distances(data, centers.narrow(0, 0, 1), blockRows, closest);
            potential = closest.sum().item<double>();
        }

        for (int c = 1; c < clusters; c++)
        {
            using var scope = NewDisposeScope();
            var draws = new double[trials];
            for (int t = 0; t < trials; t++) draws[t] = random.NextDouble() * potential;
            // Inverse-CDF sampling: the first index whose cumulative D² reaches the draw (numpy's side="left").
            var cumulative = closest.cumsum(0);
            var candidateIds = torch.searchsorted(cumulative, torch.tensor(draws, device: device)).clamp_max_(lastIndex);
            var candidates = data.index_select(0, candidateIds).to(ScalarType.Float64);

            var potentials = torch.zeros(trials, dtype: ScalarType.Float64, device: device);
            using (var norms = candidates.pow(TorchScalars.Two).sum(1))
            {
                for (long start = 0; start < n; start += blockRows)
                {
                    using var blockScope = NewDisposeScope();
                    long length = Math.Min(blockRows, n - start);
                    var block = data.narrow(0, start, length).to(ScalarType.Float64);
                    var d2 = NearestCentroid.SquaredDistances(block, candidates, norms); // length × trials
                    var updated = torch.minimum(d2, closest.narrow(0, start, length).unsqueeze(1));
                    potentials.add_(updated.sum(dim: 0), TorchScalars.One);
                    candidateClosest.narrow(1, start, length).copy_(updated.t());
                }
            }
            long best = potentials.argmin().item<long>(); // the first of equal potentials, as numpy
            potential = potentials[best].item<double>();
            centers[c].copy_(candidates[best]);
            closest.copy_(candidateClosest[best]);
        }
        return centers.clone();
    }

    // Squared distance of every row to a single centre (1 × d).
    private static void Distances(Tensor data, Tensor center, int blockRows, Tensor destination)
    {
        using var labels = torch.empty(data.shape[0], dtype: ScalarType.Int64, device: data.device);
        NearestCentroid.Assign(data, center, blockRows, labels, destination);
    }
}
