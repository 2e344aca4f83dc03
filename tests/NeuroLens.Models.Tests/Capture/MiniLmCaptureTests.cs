using NeuroLens.Models.Bert;
using NeuroLens.Models.Capture;
using static TorchSharp.torch;

namespace NeuroLens.Models.Tests.Capture;

/// <summary>On the real built-in MiniLM, the last resid_post equals the encoder's last hidden state at the real tokens, streamed through shards.</summary>
[Collection(BuiltInModelsCollection.Name)]
public sealed class MiniLmCaptureTests(BuiltInModelsFixture models) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void LastResidPostIsTheLastHiddenStateOfRealTokens()
    {
        using var scope = NewDisposeScope();
        using var encoder = SentenceEncoder.Open("minilm", models.CacheRoot);
        string[] texts = ["The cat sat on the mat.", "Neurons fire.", "A longer sentence about sparse autoencoders and concepts."];
        var batch = encoder.Tokenizer.EncodeBatch(texts);
        var last = encoder.Encode(batch);
        var real = batch.AttentionMask.reshape(-1).nonzero().reshape(-1);
        var expected = last.reshape(-1, last.shape[2]).index_select(0, real);

        using var again = encoder.Tokenizer.EncodeBatch(texts);
        using var capture = ActivationCapture.Run(encoder.Model, [again], new CaptureOptions
        {
            Sites = ["resid_post.5", "encoder.layer.2.intermediate.dense"], Folder = _folder.Path, MemoryBudgetBytes = 16 * 1024,
        });
        Assert.True(capture.ShardCount > 1);
        var site = capture["resid_post.5"];
        Assert.Equal(384, site.Width);
        Assert.Equal(1536, capture["encoder.layer.2.intermediate.dense:output"].Width);
        var captured = tensor(site.ReadAll(), [site.RowCount, site.Width]);
        ActivationCaptureTests.AssertClose(expected, captured, 1e-5);
        var ids = batch.InputIds.reshape(-1).index_select(0, real).data<long>().ToArray();
        Assert.Equal(ids, capture.ReadAllTokens().Select(t => (long)t.TokenId));
    }
}
