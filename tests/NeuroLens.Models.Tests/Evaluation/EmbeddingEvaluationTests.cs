using NeuroLens.Core;
using NeuroLens.Models.Bert;
using NeuroLens.Models.Data;
using NeuroLens.Models.Evaluation;
using NeuroLens.Models.Tests.Capture;
using NeuroLens.Models.Tokenizers;
using static TorchSharp.torch;

namespace NeuroLens.Models.Tests.Evaluation;

/// <summary>Embedding fidelity and pair retrieval against hand computations and constructed cases.</summary>
public sealed class EmbeddingEvaluationTests
{
    private static readonly string[] Words = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran", "red", "blue", "big", "small"];

    private static readonly string[] Texts = ["the cat sat on the mat", "a dog ran", "the big red dog", "small blue cat sat", "a mat"];

    private static BertModel Tiny(int seed)
    {
        manual_seed(seed);
        return new BertModel(ActivationCaptureTests.Config with { VocabSize = 16 });
    }

    private static IEnumerable<TokenBatch> Batches(IEnumerable<string> texts, int size = 2) =>
        TextLines.FromTexts(texts).Batches(new WordTokenizer(Words), size, maxLength: 16);

    [Fact]
    public void CosinesMatchTheHandFormula()
    {
        var a = tensor(new float[] { 1, 0, 3, 4, 1, 1 }, [3, 2]);
        var b = tensor(new float[] { 2, 0, 4, -3, -1, 0 }, [3, 2]);
        var cosines = EmbeddingFidelity.Cosines(a, b);
        Assert.Equal(1.0, cosines[0], 12);
        Assert.Equal(0.0, cosines[1], 12);
        Assert.Equal(-1 / Math.Sqrt(2), cosines[2], 12);
    }

    [Fact]
    public void IdenticalModelsHaveFidelityOneAndAPerturbedModelLess()
    {
        using var reference = Tiny(8);
        using var same = Tiny(8);
        var identical = EmbeddingFidelity.Evaluate(same, reference, () => Batches(Texts));
        Assert.Equal(5, identical.Texts);
        Assert.Equal(1.0, identical.MeanCosine, 6);

        using var perturbed = Tiny(8);
        using (no_grad())
        {
            var weight = perturbed.GetLinear("encoder.layer.1.intermediate.dense").weight!;
            weight.add_(randn(weight.shape, generator: new Generator(9)) * 0.5f);
        }
        var changed = EmbeddingFidelity.Evaluate(perturbed, reference, () => Batches(Texts, size: 3));
        Assert.True(changed.MeanCosine < 0.9999, $"mean cosine {changed.MeanCosine}");
        Assert.True(changed.MinCosine <= changed.MeanCosine);

        // By hand: each text alone, mean-pooled, normalised, dotted.
        var tokenizer = new WordTokenizer(Words);
        for (int i = 0; i < Texts.Length; i++)
        {
            var ids = tokenizer.Encode(Texts[i]).Select(x => (long)x).ToArray();
            using var input = tensor(ids, [1, ids.Length]);
            using var mask = ones([1, ids.Length], int64);
            var e1 = perturbed.forward(input, mask)[0].mean([0]);
            var e2 = reference.forward(input, mask)[0].mean([0]);
            double cosine = (e1.dot(e2) / (e1.norm() * e2.norm())).item<float>();
            Assert.Equal(cosine, changed.Cosines[i], 5);
        }
    }

    [Fact]
    public void RetrievalCountsTheNearestBWithTiesToTheFirst()
    {
        var a = tensor(new float[] { 1, 0, 0, 1, 1, 1, -1, 0 }, [4, 2]);
        // b1 and b2 are the same vector. a0 → b0 (right); a1 → b1, the first of the tie (right);
        // a2 → b1, the first of the tie (wrong: its own is b2); a3 → b3 (right).
        var b = tensor(new float[] { 1, 0.1f, 1, 1, 1, 1, -1, 0 }, [4, 2]);
        Assert.Equal(3, PairRetrieval.Correct(a, b));
    }

    [Fact]
    public void RetrievalOfIdenticalTextsIsPerfectAndOfSwappedTextsIsNot()
    {
        using var model = Tiny(10);
        var perfect = PairRetrieval.Evaluate(model, Batches(Texts), Batches(Texts, size: 3));
        Assert.Equal(new RetrievalResult(1.0, 5, 5), perfect);
        // b's rotated by one: a_i's own text is b_{i-1}, which beats b_i unless b_i is the nearest by chance.
        var rotated = Texts.Skip(1).Concat(Texts.Take(1)).ToArray();
        var shifted = PairRetrieval.Evaluate(model, Batches(Texts), Batches(rotated));
        Assert.Equal(0, shifted.Correct);
        Assert.Throws<NeuroLensException>(() => PairRetrieval.Evaluate(model, Batches(Texts), Batches(Texts.Take(3))));
    }
}
