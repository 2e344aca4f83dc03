using NeuroLens.Emergence.Concepts;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Tests.Concepts;

public sealed class ConceptMatchingTests
{
    // Ten positions, three latents, two categories.
    //   animal positions: 0, 1, 2, 3        colour positions: 6, 7
    //   latent 0 active at 0, 1, 2, 8      → P = 3/4, R = 3/4, F1 = 0.75 for animal
    //   latent 1 active at 3, 6            → animal P = 1/2, R = 1/4, F1 = 1/3; colour P = 1/2, R = 1/2, F1 = 1/2
    //   latent 2 active at 6, 7, 8, 9      → colour P = 2/4, R = 2/2, F1 = 2/3
    private static (ActivePattern, ConceptLabels) Example(double threshold = 0)
    {
        var codes = zeros(10, 3);
        foreach (var (t, j, v) in new[] { (0, 0, 1.0f), (1, 0, 2f), (2, 0, 0.5f), (8, 0, 1f), (3, 1, 1f), (6, 1, 0.2f), (6, 2, 3f), (7, 2, 1f), (8, 2, 1f), (9, 2, 1f) })
            codes[t, j] = v;
        var pattern = new ActivePattern(3);
        pattern.Add(codes, threshold);
        var labels = new ConceptLabels(["animal", "colour"],
            [[0], [0], [0], [0], [], [], [1], [1], [], []]);
        return (pattern, labels);
    }

    [Fact]
    public void F1OnAHandConstructedPatternEqualsTheHandComputedValue()
    {
        var (pattern, labels) = Example();
        var table = ConceptMatching.F1Table(pattern, labels);
        Assert.Equal(0.75, table[0, 0], 12);
        Assert.Equal(1.0 / 3, table[1, 0], 12);
        Assert.Equal(0.5, table[1, 1], 12);
        Assert.Equal(2.0 / 3, table[2, 1], 12);
        Assert.Equal(0.0, table[0, 1], 12);
        Assert.Equal(0.0, table[2, 0], 12);

        var scores = ConceptMatching.Score(pattern, labels, new MatchingOptions { Permutations = 0 });
        Assert.Equal(0.75, scores[0].Score, 12);
        Assert.Equal(0, scores[0].BestLatent);
        Assert.Equal(0.75, scores[0].Precision, 12);
        Assert.Equal(0.75, scores[0].Recall, 12);
        Assert.Equal(2.0 / 3, scores[1].Score, 12);
        Assert.Equal(2, scores[1].BestLatent);
        Assert.Equal(0.5, scores[1].Precision, 12);
        Assert.Equal(1.0, scores[1].Recall, 12);
        Assert.True(double.IsNaN(scores[1].PValue));
    }

    [Fact]
    public void TheThresholdTauDecidesWhatIsActive()
    {
        // τ = 0.4 drops latent 1 at position 6 (0.2): latent 1 is active only at 3 → colour F1 0, animal P = 1, R = 1/4, F1 = 0.4.
        var (pattern, labels) = Example(threshold: 0.4);
        var table = ConceptMatching.F1Table(pattern, labels);
        Assert.Equal(0.4, table[1, 0], 12);
        Assert.Equal(0.0, table[1, 1], 12);
    }

    [Fact]
    public void TopRUnionScoresTheUnionOfTheBestLatents()
    {
        // Animal, r = 2: latents 0 and 1 → union {0, 1, 2, 3, 6, 8}: hits 4 of 4, P = 4/6, F1 = 2·4 / (6 + 4) = 0.8.
        var (pattern, labels) = Example();
        var scores = ConceptMatching.Score(pattern, labels, new MatchingOptions { TopR = 2, Permutations = 0 });
        Assert.Equal(0.8, scores[0].Score, 12);
        Assert.Equal([0, 1], scores[0].Latents);
        Assert.Equal(1.0, scores[0].Recall, 12);
    }

    [Fact]
    public void APerfectLatentBeatsTheShuffledNull()
    {
        // 400 positions, category on every 8th; latent 0 fires exactly there, latent 1 at random.
        var random = new Random(3);
        var pattern = new ActivePattern(2);
        var lists = new List<IReadOnlyList<int>>();
        for (int t = 0; t < 400; t++)
        {
            bool labelled = t % 8 == 0;
            var act = new List<int>();
            if (labelled) act.Add(0);
            if (random.NextDouble() < 0.2) act.Add(1);
            pattern.Add(act);
            lists.Add(labelled ? [0] : []);
        }
        var labels = new ConceptLabels(["c"], lists);
        var score = ConceptMatching.Score(pattern, labels, new MatchingOptions { Permutations = 99, Seed = 1 })[0];
        Assert.Equal(1.0, score.Score, 12);
        Assert.Equal(0.01, score.PValue, 12); // no permutation reaches 1: (1 + 0) / (1 + 99)
        Assert.True(score.NullQuantile < 0.4);
        Assert.True(score.Significant);
        // The same seed gives the same null.
        Assert.Equal(score.NullQuantile, ConceptMatching.Score(pattern, labels, new MatchingOptions { Permutations = 99, Seed = 1 })[0].NullQuantile);
    }
}
