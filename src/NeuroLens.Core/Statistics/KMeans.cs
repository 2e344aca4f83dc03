using NeuroLens.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Core.Statistics;

/// <summary>
/// k-means clustering (minimum within-cluster sum of squared Euclidean distances) by Lloyd's algorithm
/// with greedy k-means++ seeding and several restarts — the model of
/// <c>sklearn.cluster.KMeans(algorithm="lloyd")</c>.
/// </summary>
/// <remarks>
/// <para>Seeding: greedy k-means++ as in sklearn (2 + ⌊ln K⌋ candidates per centre, the one lowering the
/// potential most is kept), drawn from one <see cref="System.Random"/> seeded with
/// <see cref="KMeansOptions.Seed"/> and shared by the restarts in order. Same data and options, same result.</para>
/// <para>Iteration: assign each sample to its nearest centroid (lowest index on ties), move each centroid
/// to the mean of its samples; stop when no label changes, when the summed squared centroid movement is
/// at most the scaled tolerance (see <see cref="KMeansOptions.Tolerance"/>), or after
/// <see cref="KMeansOptions.MaxIterations"/>. Labels and inertia are then recomputed from the final
/// centroids, so they always agree with <see cref="Predict"/>.</para>
/// <para>Empty clusters: a cluster left without samples takes the sample farthest from its assigned
/// centroid, among samples whose cluster keeps at least one other member; several empty clusters (in
/// increasing index) take the farthest, second farthest, … such samples. This is sklearn's rule plus the
/// guarantee that the donor cluster never becomes empty, so every centroid is always a mean of samples.</para>
/// <para>Arithmetic: float64 throughout (blocks of the data are converted on the fly, the data are not
/// copied); distances via ‖x‖² − 2x·c + ‖c‖² with one matrix product per block of
/// <see cref="KMeansOptions.BlockRows"/> rows, so memory is O(n + BlockRows·(d + K)). Centroids and
/// labels live on the data's device and are owned by this object: dispose it to free them.</para>
/// </remarks>
public sealed class KMeans : IDisposable
{
    private readonly int _blockRows;

    private KMeans(Tensor centroids, Tensor labels, double inertia, int iterations, int blockRows)
    {
        Centroids = centroids;
        Labels = labels;
        Inertia = inertia;
        Iterations = iterations;
        _blockRows = blockRows;
    }

    /// <summary>The K × d centroids (float64).</summary>
    public Tensor Centroids { get; }

    /// <summary>The cluster of each fitted sample (int64, length n), consistent with <see cref="Centroids"/>.</summary>
    public Tensor Labels { get; }

    /// <summary>Inertia: the sum over samples of the squared distance to the nearest centroid.</summary>
    public double Inertia { get; }

    /// <summary>Lloyd iterations run by the kept restart.</summary>
    public int Iterations { get; }

    /// <summary>K, the number of clusters.</summary>
    public int Clusters => (int)Centroids.shape[0];

    /// <summary>Clusters the rows of <paramref name="data"/>.</summary>
    /// <param name="data">n × d tensor of finite real numbers (any real type, any device).</param>
    /// <param name="options">Settings; null means the defaults.</param>
    /// <returns>The fitted clustering (dispose it when done).</returns>
    public static KMeans Fit(Tensor data, KMeansOptions? options = null)
    {
        options ??= new KMeansOptions();
        Validate(data, options);
        long n = data.shape[0];
        double variance = MeanFeatureVariance(data, options.BlockRows);
        if (!double.IsFinite(variance))
            throw new NeuroLensException("KMeans.Fit: data contain NaN or infinite values.");
        double toleranceScaled = options.Tolerance * variance;
        var random = new Random(options.Seed);

        Tensor? bestCentroids = null, bestLabels = null;
        double bestInertia = double.PositiveInfinity;
        int bestIterations = 0;
        for (int run = 0; run < options.Restarts; run++)
        {
            using var initial = KMeansPlusPlus.Initialize(data, options.Clusters, random, options.BlockRows);
            var (centroids, iterations) = Lloyd(data, initial, options, toleranceScaled);
            // Final assignment to the final centroids, so that labels, inertia and Predict agree.
            var labels = torch.empty(n, dtype: ScalarType.Int64, device: data.device);
            double inertia;
            using (var distances = torch.empty(n, dtype: ScalarType.Float64, device: data.device))
            {
                NearestCentroid.Assign(data, centroids, options.BlockRows, labels, distances);
                inertia = distances.sum().item<double>();
            }
            if (bestCentroids is null || inertia < bestInertia)
            {
                bestCentroids?.Dispose();
                bestLabels?.Dispose();
                (bestCentroids, bestLabels, bestInertia, bestIterations) = (centroids, labels, inertia, iterations);
            }
            else
            {
                centroids.Dispose();
                labels.Dispose();
            }
        }
        return new KMeans(bestCentroids!, bestLabels!, bestInertia, bestIterations, options.BlockRows);
    }

    /// <summary>The nearest centroid of each row (lowest index on ties).</summary>
    /// <param name="data">m × d tensor.</param>
    /// <returns>int64 labels of length m, on the centroids' device.</returns>
    public Tensor Predict(Tensor data)
    {
        if (data.dim() != 2 || data.shape[1] != Centroids.shape[1])
            throw new NeuroLensException($"KMeans.Predict: data must be samples × {Centroids.shape[1]}, got shape [{string.Join(", ", data.shape)}].");
        var labels = torch.empty(data.shape[0], dtype: ScalarType.Int64, device: Centroids.device);
        using var distances = torch.empty(data.shape[0], dtype: ScalarType.Float64, device: Centroids.device);
        using var onDevice = data.to(Centroids.device);
        NearestCentroid.Assign(onDevice, Centroids, _blockRows, labels, distances);
        return labels;
    }

    /// <summary>Frees the centroids and labels.</summary>
    public void Dispose()
    {
        Centroids.Dispose();
        Labels.Dispose();
    }

    /// <summary>One run of Lloyd's algorithm from the given K × d float64 centroids; returns the final centroids and iteration count.</summary>
    internal static (Tensor Centroids, int Iterations) Lloyd(Tensor data, Tensor initial, KMeansOptions options, double toleranceScaled)
    {
        long n = data.shape[0];
        int k = options.Clusters;
        var device = data.device;
        var centroids = initial.clone();
        using var labels = torch.empty(n, dtype: ScalarType.Int64, device: device);
        using var previous = torch.full(n, TorchScalars.MinusOne, dtype: ScalarType.Int64, device: device);
        using var distances = torch.empty(n, dtype: ScalarType.Float64, device: device);
        int iteration = 0;
        while (iteration < options.MaxIterations)
        {
            iteration++;
            using var scope = NewDisposeScope();
            var sums = torch.zeros(k, data.shape[1], dtype: ScalarType.Float64, device: device);
            var counts = torch.zeros(k, dtype: ScalarType.Float64, device: device);
            NearestCentroid.Assign(data, centroids, options.BlockRows, labels, distances, sums, counts);
            RelocateEmptyClusters(data, labels, distances, sums, counts);
            var updated = sums / counts.unsqueeze(1);
            double shift = (updated - centroids).pow(TorchScalars.Two).sum().item<double>();
            centroids.copy_(updated);
            if (labels.eq(previous).all().item<bool>() || shift <= toleranceScaled) break;
            previous.copy_(labels);
        }
        return (centroids, iteration);
    }

    // Gives each empty cluster the farthest sample whose cluster keeps another member (see remarks).
    private static void RelocateEmptyClusters(Tensor data, Tensor labels, Tensor distances, Tensor sums, Tensor counts)
    {
        double[] count = counts.cpu().data<double>().ToArray();
        var empty = Enumerable.Range(0, count.Length).Where(c => count[c] == 0).ToList();
        if (empty.Count == 0) return;
        using var scope = NewDisposeScope();
        long[] order = distances.argsort(descending: true).cpu().data<long>().ToArray();
        long[] label = labels.cpu().data<long>().ToArray();
        int next = 0;
        foreach (long sample in order)
        {
            if (next == empty.Count) break;
            long donor = label[sample];
            if (count[donor] <= 1) continue;
            int target = empty[next++];
            var row = data[sample].to(ScalarType.Float64);
            sums[donor].sub_(row);
            sums[target].copy_(row);
            count[donor] -= 1;
            count[target] = 1;
            using var targetScalar = target.ToScalar();
            labels.narrow(0, sample, 1).fill_(targetScalar);
        }
        counts.copy_(torch.tensor(count, device: counts.device));
    }

    // sklearn's scale for the tolerance: the mean over features of the population variance (two blocked
    // passes, each block freed at once so that memory stays O(BlockRows · d)).
    private static double MeanFeatureVariance(Tensor data, int blockRows)
    {
        using var scope = NewDisposeScope();
        long n = data.shape[0];
        var sum = torch.zeros(data.shape[1], dtype: ScalarType.Float64, device: data.device);
        for (long start = 0; start < n; start += blockRows)
        {
            using var blockScope = NewDisposeScope();
            sum.add_(data.narrow(0, start, Math.Min(blockRows, n - start)).to(ScalarType.Float64).sum(dim: 0), TorchScalars.One);
        }
        using var count = n.ToScalar();
        var mean = sum.div(count);
        var squares = torch.zeros(data.shape[1], dtype: ScalarType.Float64, device: data.device);
        for (long start = 0; start < n; start += blockRows)
        {
            using var blockScope = NewDisposeScope();
            squares.add_((data.narrow(0, start, Math.Min(blockRows, n - start)).to(ScalarType.Float64) - mean).pow(TorchScalars.Two).sum(dim: 0), TorchScalars.One);
        }
        return squares.div(count).mean().item<double>();
    }

    private static void Validate(Tensor data, KMeansOptions options)
    {
        if (data.dim() != 2)
            throw new NeuroLensException($"KMeans.Fit: data must be a 2-D tensor (samples × features), got shape [{string.Join(", ", data.shape)}].");
        if (options.Clusters < 1 || options.Clusters > data.shape[0])
            throw new NeuroLensException($"KMeans.Fit: clusters must be between 1 and the number of samples ({data.shape[0]}), got {options.Clusters}.");
        if (options.Restarts < 1)
            throw new NeuroLensException($"KMeans.Fit: restarts must be at least 1, got {options.Restarts}.");
        if (options.MaxIterations < 1)
            throw new NeuroLensException($"KMeans.Fit: max iterations must be at least 1, got {options.MaxIterations}.");
        if (!(options.Tolerance >= 0))
            throw new NeuroLensException($"KMeans.Fit: tolerance must be ≥ 0, got {options.Tolerance}.");
        if (options.BlockRows < 1)
            throw new NeuroLensException($"KMeans.Fit: block rows must be at least 1, got {options.BlockRows}.");
        if (data.shape[1] < 1)
            throw new NeuroLensException("KMeans.Fit: data must have at least one feature.");
        if (data.is_complex() || data.dtype == ScalarType.Bool)
            throw new NeuroLensException($"KMeans.Fit: data must hold real numbers, got {data.dtype}.");
    }
}
