using NeuroLens.Core;

namespace NeuroLens.Entanglement.Neurons;

/// <summary>
/// The Wasserstein neurons of a layer and their controls (entanglement.md §3): the top p percent of
/// neurons by WD, the bottom p percent, and a seeded random set of the same size. Neurons with NaN WD
/// (constant or non-finite) belong to none of the ranked sets and are never drawn at random.
/// </summary>
/// <param name="Top">Indices of the highest WD, highest first.</param>
/// <param name="Bottom">Indices of the lowest WD, lowest first.</param>
/// <param name="Random">A seeded random sample (without replacement) of the same size.</param>
public sealed record NeuronSets(int[] Top, int[] Bottom, int[] Random)
{
    /// <summary>Chooses the three sets: size max(1, round(p/100 · D_valid)).</summary>
    /// <param name="distances">WD per neuron.</param>
    /// <param name="topPercent">p (default 1 %).</param>
    /// <param name="seed">Seed of the random set (<see cref="System.Random"/>).</param>
    public static NeuronSets Select(IReadOnlyList<double> distances, double topPercent = 1.0, int seed = 0)
    {
        if (!(topPercent > 0 && topPercent <= 50))
            throw new NeuroLensException($"NeuronSets: top percent must be in (0, 50], got {topPercent}.");
        var valid = Enumerable.Range(0, distances.Count).Where(j => !double.IsNaN(distances[j])).ToArray();
        if (valid.Length == 0) return new NeuronSets([], [], []);
        int size = Math.Max(1, (int)Math.Round(topPercent / 100.0 * valid.Length));
        var ascending = valid.OrderBy(j => distances[j]).ThenBy(j => j).ToArray();
        var top = valid.OrderByDescending(j => distances[j]).ThenBy(j => j).Take(size).ToArray();
        var random = (int[])valid.Clone();
        new Random(seed).Shuffle(random);
        return new NeuronSets(top, ascending.Take(size).ToArray(), random.Take(size).ToArray());
    }
}
