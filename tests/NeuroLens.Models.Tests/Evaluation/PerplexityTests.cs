using NeuroLens.Core;
using NeuroLens.Models.Bert;
using NeuroLens.Models.Data;
using NeuroLens.Models.Evaluation;
using NeuroLens.Models.Tests.Capture;
using static TorchSharp.torch;

namespace NeuroLens.Models.Tests.Evaluation;

/// <summary>Perplexity against log-softmax computed by hand, with and without padding.</summary>
public sealed class PerplexityTests
{
    private static readonly string[] Words = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran"];
    private const string Text = "the cat sat on the mat a dog ran on the mat the cat ran a dog sat on a mat the";

    [Fact]
    public void RowNllIsTheMaskedSumOfHandLogSoftmax()
    {
        var generator = new Generator(5);
        var logits = randn([2, 4, 5], generator: generator) * 3;
        var ids = tensor(new long[] { 1, 4, 0, 2, 3, 3, 0, 0 }, [2, 4]);
        var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 0, 0 }, [2, 4]);
        var (sums, counts) = Perplexity.RowNll(logits, ids, mask);
        Assert.Equal([3L, 1L], counts); // row 1: only position 0 predicts a real token
        var values = logits.data<float>().ToArray();
        var idv = ids.data<long>().ToArray();
        for (int b = 0; b < 2; b++)
        {
            double expected = 0;
            for (int t = 0; t < counts[b]; t++)
            {
                var row = Enumerable.Range(0, 5).Select(v => (double)values[(b * 4 + t) * 5 + v]).ToArray();
                double logSum = Math.Log(row.Sum(Math.Exp));
                expected += logSum - row[idv[b * 4 + t + 1]];
            }
            Assert.Equal(expected, sums[b], 4);
        }
    }

    [Fact]
    public void PerplexityOfWindowsEqualsTheHandComputation()
    {
        manual_seed(6);
        using var model = new BigramLm(12, 6);
        var windows = TextWindows.FromText(Text, new WordTokenizer(Words), 5);
        Assert.Equal(4, windows.Count); // 22 words: four windows of 5, two dropped
        Assert.Equal(2, windows.DroppedTokens);

        var windowNll = new List<double>();
        for (int w = 0; w < windows.Count; w++)
        {
            var ids = windows.Window(w);
            windowNll.Add(Enumerable.Range(0, ids.Length - 1).Average(t => -model.NextLogProbabilities(ids[t])[ids[t + 1]]));
        }
        double expected = Math.Exp(windowNll.Average());

        var batched = Perplexity.Evaluate(model, windows.Batches(3));
        Assert.Equal(expected, batched.Value, 4);
        Assert.Equal(4, batched.Windows);
        Assert.Equal(16, batched.Predictions);
        for (int w = 0; w < 4; w++) Assert.Equal(windowNll[w], batched.WindowNll[w], 4);
        var single = Perplexity.Evaluate(model, windows.Batches(1));
        Assert.Equal(batched.Value, single.Value, 5);

        var limited = Perplexity.Evaluate(model, windows.Batches(2, maxWindows: 2));
        Assert.Equal(Math.Exp(windowNll.Take(2).Average()), limited.Value, 4);
    }

    [Fact]
    public void PaddedBatchesScoreOnlyRealTokens()
    {
        manual_seed(7);
        using var model = new BigramLm(12, 6);
        IReadOnlyList<int>[] sequences = [[4, 5, 6, 7, 4], [5, 9], [6, 7, 8]];
        var padded = Perplexity.Evaluate(model, [TokenBatches.RightPadded(sequences, 0)]);
        var alone = Perplexity.Evaluate(model, sequences.Select(s => TokenBatches.RightPadded([s], 0)));
        Assert.Equal(alone.Value, padded.Value, 5);
        Assert.Equal(4 + 1 + 2, padded.Predictions);
        double hand = Math.Exp(sequences.Average(s => Enumerable.Range(0, s.Count - 1).Average(t => -model.NextLogProbabilities(s[t])[s[t + 1]])));
        Assert.Equal(hand, padded.Value, 4);
    }

    [Fact]
    public void EncodersAndEmptyInputsAreRefused()
    {
        using var bert = new BertModel(ActivationCaptureTests.Config);
        Assert.Contains("causal", Assert.Throws<NeuroLensException>(() => Perplexity.Evaluate(bert, ActivationCaptureTests.Batches(2))).Message);
        using var model = new BigramLm(12, 6);
        var windows = TextWindows.FromText("the cat", new WordTokenizer(Words), 5);
        Assert.Equal(0, windows.Count);
        Assert.Contains("no window", Assert.Throws<NeuroLensException>(() => Perplexity.Evaluate(model, windows.Batches(2))).Message);
    }
}
