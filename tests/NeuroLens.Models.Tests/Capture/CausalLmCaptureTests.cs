using NeuroLens.Models.Capture;
using NeuroLens.Models.Data;
using NeuroLens.Models.Evaluation;
using NeuroLens.Models.Gpt2;
using NeuroLens.Models.GptNeoX;
using NeuroLens.Models.Language;
using NeuroLens.Models.Llama;
using static TorchSharp.torch;

namespace NeuroLens.Models.Tests.Capture;

/// <summary>
/// Capture and perplexity on the causal families (tiny random GPT-NeoX, GPT-2, Llama): the first FFN
/// projection's output is W x + b of its captured input, the head applied to the last resid_post gives
/// the model's logits, a site outside every block (the unembedding) runs the head, and perplexity
/// equals hand log-softmax of the logits with right padding ignored.
/// </summary>
public sealed class CausalLmCaptureTests
{
    private static ILanguageModel Create(string family)
    {
        manual_seed(11);
        return family switch
        {
            "gpt_neox" => new GptNeoXModel(new GptNeoXConfig(VocabSize: 40, HiddenSize: 16, NumHiddenLayers: 2, NumAttentionHeads: 2, IntermediateSize: 32, MaxPositionEmbeddings: 32)),
            "gpt2" => new Gpt2Model(new Gpt2Config(VocabSize: 40, NEmbd: 16, NLayer: 2, NHead: 4, NPositions: 32)),
            _ => new LlamaModel(new LlamaConfig(VocabSize: 40, HiddenSize: 16, IntermediateSize: 24, NumHiddenLayers: 2, NumAttentionHeads: 4, NumKeyValueHeads: 2, MaxPositionEmbeddings: 32)),
        };
    }

    private static IReadOnlyList<int>[] Sequences => [[1, 5, 9, 12, 30, 7], [4, 8, 2], [39, 0, 17, 21]];

    [Theory]
    [InlineData("gpt_neox")]
    [InlineData("gpt2")]
    [InlineData("llama")]
    public void FirstFeedForwardLayerAndLastResidPostMatchTheModel(string family)
    {
        using var scope = NewDisposeScope();
        using var model = Create(family);
        var ffn = model.FeedForwardGroups(1)[0][0];
        var last = $"resid_post.{model.NumLayers - 1}";
        using var capture = ActivationCapture.Run(model, [TokenBatches.RightPadded(Sequences, 0)], new CaptureOptions
        {
            Sites = [ffn + ":both", last],
        });
        Assert.Equal(Sequences.Sum(s => s.Count), capture.RowCount);
        var linear = model.GetLinear(ffn);
        var x = tensor(capture[ffn + ":input"].ReadAll(), [capture.RowCount, model.HiddenSize]);
        var y = tensor(capture[ffn + ":output"].ReadAll(), [capture.RowCount, capture[ffn + ":output"].Width]);
        var expected = nn.functional.linear(x, linear.weight!, linear.bias);
        ActivationCaptureTests.AssertClose(expected, y, 1e-5);

        // Head(resid_post of the last block) is the model's logits at the real tokens (each sequence alone).
        var h = tensor(capture[last].ReadAll(), [capture.RowCount, model.HiddenSize]);
        using var _ = no_grad();
        var logits = model.Head(h.unsqueeze(0))[0];
        var alone = cat(Sequences.Select(s => model.Forward(tensor(s.Select(i => (long)i).ToArray(), [1, s.Count]), ones([1, s.Count], int64))[0]).ToList(), 0);
        ActivationCaptureTests.AssertClose(alone, logits, 1e-4);
    }

    [Fact]
    public void ASiteOutsideTheBlocksRunsTheHead()
    {
        using var scope = NewDisposeScope();
        using var model = Create("gpt_neox");
        using var capture = ActivationCapture.Run(model, [TokenBatches.RightPadded(Sequences, 0)], new CaptureOptions { Sites = ["embed_out"] });
        var site = capture["embed_out:output"];
        Assert.Equal(-1, site.Site.Layer);
        Assert.Equal(40, site.Width);
        using var _ = no_grad();
        var first = model.Forward(tensor(Sequences[0].Select(i => (long)i).ToArray(), [1, 6]), ones([1, 6], int64))[0];
        ActivationCaptureTests.AssertClose(first, tensor(site.ReadRows(0, 6), [6, 40]), 1e-4);
    }

    [Fact]
    public void PerplexityOfAGptNeoXIsTheHandLogSoftmaxWithPaddingIgnored()
    {
        using var scope = NewDisposeScope();
        using var model = Create("gpt_neox");
        var padded = Perplexity.Evaluate(model, [TokenBatches.RightPadded(Sequences, 0)]);
        double expected = 0;
        using (no_grad())
        {
            foreach (var s in Sequences)
            {
                var logits = model.Forward(tensor(s.Select(i => (long)i).ToArray(), [1, s.Count]), ones([1, s.Count], int64))[0];
                var values = logits.data<float>().ToArray();
                double nll = 0;
                for (int t = 0; t + 1 < s.Count; t++)
                {
                    var row = values.Skip(t * 40).Take(40).Select(v => (double)v).ToArray();
                    double max = row.Max();
                    nll += max + Math.Log(row.Sum(v => Math.Exp(v - max))) - row[s[t + 1]];
                }
                expected += nll / (s.Count - 1);
            }
        }
        expected /= Sequences.Length;
        Assert.Equal(expected, padded.MeanNll, 5);
        Assert.Equal(Math.Exp(expected), padded.Value, 4);
        Assert.Equal(5 + 2 + 3, padded.Predictions);
    }
}
