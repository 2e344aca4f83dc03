using NeuroLens.Core.Statistics;
using static TorchSharp.torch;

namespace NeuroLens.Core.Tests.Statistics;

public class KMeansTests
{
    private static readonly System.Text.Json.JsonElement Fixture = StatisticsFixture.Load("kmeans.json");

    [Fact]
    public void RecoversWellSeparatedBlobsWithSklearnsInertia()
    {
        using var data = Fixture.GetProperty("data").Matrix();
        int[] truth = Fixture.GetProperty("truth").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        using var model = KMeans.Fit(data, new KMeansOptions { Clusters = 4, Seed = 0 });
        long[] labels = model.Labels.data<long>().ToArray();

        // Same partition up to renaming: the label pairs (ours, truth) form a one-to-one map.
        var pairs = labels.Zip(truth).Distinct().ToList();
        Assert.Equal(4, pairs.Count);
        Assert.Equal(4, pairs.Select(p => p.First).Distinct().Count());
        Assert.Equal(4, pairs.Select(p => p.Second).Distinct().Count());

        double expected = Fixture.GetProperty("inertia").GetDouble();
        Assert.True(Math.Abs(model.Inertia - expected) <= 1e-6 * expected, $"inertia {model.Inertia:R}, sklearn {expected:R}");

        // Centroids equal sklearn's up to order.
        double[][] sklearnCenters = Fixture.GetProperty("centers").Rows();
        for (int c = 0; c < 4; c++)
        {
            double[] ours = model.Centroids[c].data<double>().ToArray();
            double nearest = sklearnCenters.Min(s => s.Zip(ours, (a, b) => (a - b) * (a - b)).Sum());
            Assert.True(nearest < 1e-12, $"centroid {c} is {Math.Sqrt(nearest)} from sklearn's nearest");
        }

        using var predicted = model.Predict(data);
        Assert.Equal(labels, predicted.data<long>().ToArray());
        Assert.InRange(model.Iterations, 1, 300);
    }

    [Fact]
    public void SameSeedSameResultDifferentSeedsMayDiffer()
    {
        using var generator = new Generator(17);
        using var data = rand(200, 2, dtype: ScalarType.Float64, generator: generator); // no cluster structure
        var options = new KMeansOptions { Clusters = 6, Restarts = 1, Seed = 5 };
        using var a = KMeans.Fit(data, options);
        using var b = KMeans.Fit(data, options);
        Assert.True(a.Centroids.equal(b.Centroids).all().item<bool>());
        Assert.Equal(a.Inertia, b.Inertia);

        var inertias = Enumerable.Range(0, 6).Select(seed =>
        {
            using var m = KMeans.Fit(data, options with { Seed = seed });
            return m.Inertia;
        }).ToList();
        Assert.True(inertias.Distinct().Count() > 1, "different seeds all gave the same local optimum");

        // More restarts keep the best run: never worse than the first run alone.
        using var best = KMeans.Fit(data, options with { Restarts = 6, Seed = 0 });
        using var single = KMeans.Fit(data, options with { Restarts = 1, Seed = 0 });
        Assert.True(best.Inertia <= single.Inertia);
    }

    [Fact]
    public void BlockSizeDoesNotChangeTheResult()
    {
        using var data = Fixture.GetProperty("data").Matrix();
        using var whole = KMeans.Fit(data, new KMeansOptions { Clusters = 4, Restarts = 2, Seed = 3 });
        using var blocked = KMeans.Fit(data, new KMeansOptions { Clusters = 4, Restarts = 2, Seed = 3, BlockRows = 7 });
        Assert.Equal(whole.Labels.data<long>().ToArray(), blocked.Labels.data<long>().ToArray());
        Assert.Equal(whole.Inertia, blocked.Inertia, whole.Inertia * 1e-12);
        Assert.True(whole.Centroids.allclose(blocked.Centroids, rtol: 0, atol: 1e-12));
    }

    [Fact]
    public void EmptyClustersTakeTheFarthestSamplesInIndexOrder()
    {
        // 1-D samples 0, 1, 2, 10, 11 and centroids 0.5, 100, 200: clusters 1 and 2 start empty. Cluster 1
        // takes the farthest sample from its centroid (11, at distance² 110.25), cluster 2 the next (10).
        using var data = tensor(new double[] { 0, 1, 2, 10, 11 }, 5, 1);
        using var initial = tensor(new double[] { 0.5, 100, 200 }, 3, 1);
        var (centroids, _) = KMeans.Lloyd(data, initial, new KMeansOptions { Clusters = 3 }, toleranceScaled: 0);
        using (centroids)
            Assert.Equal(new double[] { 1, 11, 10 }, centroids.data<double>().ToArray());
    }

    [Fact]
    public void EmptyClusterNeverEmptiesItsDonor()
    {
        // Samples 0, 1, 2, 40 with centroids 0, 50, 1000: 40 is alone in cluster 1 and the farthest sample,
        // but taking it would empty cluster 1; cluster 2 takes 2 (distance² 4) from cluster 0 instead.
        using var data = tensor(new double[] { 0, 1, 2, 40 }, 4, 1);
        using var initial = tensor(new double[] { 0, 50, 1000 }, 3, 1);
        var (centroids, _) = KMeans.Lloyd(data, initial, new KMeansOptions { Clusters = 3 }, toleranceScaled: 0);
        using (centroids)
            Assert.Equal(new double[] { 0.5, 40, 2 }, centroids.data<double>().ToArray());
    }

    [Fact]
    public void AsManyClustersAsSamplesGivesZeroInertia()
    {
        using var data = tensor(new double[] { 0, 0, 1, 0, 0, 1, 5, 5, 5, 6, 9, 9 }, 6, 2);
        using var model = KMeans.Fit(data, new KMeansOptions { Clusters = 6, Restarts = 3 });
        Assert.Equal(0.0, model.Inertia);
        Assert.Equal(6, model.Labels.data<long>().Distinct().Count());
    }

    [Fact]
    public void DuplicatePointsWithMoreClustersThanDistinctPointsStayFinite()
    {
        // Two distinct points, three clusters: seeding duplicates a centre and a cluster empties.
        using var data = tensor(new double[] { 0, 0, 0, 0, 0, 0, 3, 3, 3, 3, 3, 3 }, 6, 2);
        using var model = KMeans.Fit(data, new KMeansOptions { Clusters = 3, Restarts = 2 });
        Assert.Equal(0.0, model.Inertia);
        Assert.False(model.Centroids.isnan().any().item<bool>());
        double[] values = model.Centroids.data<double>().ToArray();
        Assert.All(values, v => Assert.True(v == 0 || v == 3));
    }

    [Fact]
    public void FloatDataAndPredictOnNewSamples()
    {
        using var data = tensor(new float[] { 0, 0, 0.2f, 0.1f, 10, 10, 10.1f, 9.9f }, 4, 2);
        using var model = KMeans.Fit(data, new KMeansOptions { Clusters = 2 });
        Assert.Equal(ScalarType.Float64, model.Centroids.dtype);
        using var probe = tensor(new float[] { 1, 1, 9, 9 }, 2, 2);
        using var labels = model.Predict(probe);
        long[] l = labels.data<long>().ToArray();
        long[] train = model.Labels.data<long>().ToArray();
        Assert.Equal(train[0], l[0]);
        Assert.Equal(train[2], l[1]);
        Assert.NotEqual(l[0], l[1]);
        Assert.Equal(0.2 * 0.2 / 2 + 0.1 * 0.1 / 2 + 0.1 * 0.1 / 2 + 0.1 * 0.1 / 2, model.Inertia, 1e-6);
    }

    [Fact]
    public void InvalidArguments()
    {
        using var data = zeros(3, 2);
        Assert.Throws<NeuroLensException>(() => KMeans.Fit(data, new KMeansOptions { Clusters = 4 }));
        Assert.Throws<NeuroLensException>(() => KMeans.Fit(data, new KMeansOptions { Clusters = 0 }));
        Assert.Throws<NeuroLensException>(() => KMeans.Fit(data, new KMeansOptions { Clusters = 2, Restarts = 0 }));
        Assert.Throws<NeuroLensException>(() => KMeans.Fit(data, new KMeansOptions { Clusters = 2, Tolerance = -1 }));
        using var vector = zeros(3);
        Assert.Throws<NeuroLensException>(() => KMeans.Fit(vector, new KMeansOptions { Clusters = 1 }));
        using var withNan = tensor(new double[] { 0, double.NaN, 1, 1 }, 2, 2);
        Assert.Throws<NeuroLensException>(() => KMeans.Fit(withNan, new KMeansOptions { Clusters = 1 }));
        using var model = KMeans.Fit(data, new KMeansOptions { Clusters = 1 });
        using var wrong = zeros(2, 3);
        Assert.Throws<NeuroLensException>(() => model.Predict(wrong));
    }
}
