using NeuroLens.Core;
using NeuroLens.Models.Bert;
using NeuroLens.Models.Capture;
using NeuroLens.Models.Language;
using NeuroLens.Models.Tokenizers;
using static TorchSharp.torch;

namespace NeuroLens.Models.Tests.Capture;

/// <summary>
/// Captured activations of a tiny random BERT equal a manual forward computation: linear inputs and
/// outputs from Embed/Block outputs and the layer weights, the block output rebuilt by hand from the
/// captured feed-forward input and output, and only real tokens in batch-major order.
/// </summary>
public sealed class ActivationCaptureTests : IDisposable
{
    internal static readonly BertConfig Config = new(VocabSize: 30, HiddenSize: 8, NumHiddenLayers: 2, NumAttentionHeads: 2,
        IntermediateSize: 12, MaxPositionEmbeddings: 16);

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    internal static readonly long[][] Sequences = [[2, 17, 5, 9, 3], [2, 11, 3], [2, 4, 6, 8, 10, 12, 3], [2, 7, 3]];

    /// <summary>Right-padded batches of <see cref="Sequences"/>, <paramref name="size"/> sequences each.</summary>
    internal static IEnumerable<TokenBatch> Batches(int size)
    {
        for (int start = 0; start < Sequences.Length; start += size)
        {
            var group = Sequences.Skip(start).Take(size).ToList();
            int t = group.Max(s => s.Length);
            var ids = new long[group.Count * t];
            var mask = new long[group.Count * t];
            for (int i = 0; i < group.Count; i++)
                for (int j = 0; j < group[i].Length; j++)
                {
                    ids[i * t + j] = group[i][j];
                    mask[i * t + j] = 1;
                }
            yield return new TokenBatch(tensor(ids, [group.Count, t]), tensor(mask, [group.Count, t]), zeros([group.Count, t], int64));
        }
    }

    private static Tensor LayerNorm(Tensor x, Tensor w, Tensor b, double eps)
    {
        var mean = x.mean([-1], keepdim: true);
        var variance = (x - mean).pow(2).mean([-1], keepdim: true);
        return (x - mean) / (variance + eps).sqrt() * w + b;
    }

    private static Tensor Rows(CapturedSite site) => tensor(site.ReadAll(), [site.RowCount, site.Width]);

    [Fact]
    public void CapturedValuesEqualAManualForwardComputation()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var bert = new BertModel(Config);
        ILanguageModel model = bert;
        using var capture = ActivationCapture.Run(model, Batches(2), new CaptureOptions
        {
            Sites = ["encoder.layer.*.attention.self.query:both", "encoder.layer.*.intermediate.dense:both", "resid_post.*"],
        });
        Assert.Null(capture.Folder);
        Assert.Equal(["encoder.layer.0.attention.self.query:input", "encoder.layer.0.attention.self.query:output",
            "encoder.layer.1.attention.self.query:input", "encoder.layer.1.attention.self.query:output",
            "encoder.layer.0.intermediate.dense:input", "encoder.layer.0.intermediate.dense:output",
            "encoder.layer.1.intermediate.dense:input", "encoder.layer.1.intermediate.dense:output",
            "resid_post.0", "resid_post.1"], capture.Sites.Select(s => s.Name));
        long realTokens = Sequences.Sum(s => s.Length);
        Assert.Equal(realTokens, capture.RowCount);

        // The expected rows, sequence by sequence (each alone, no padding), from Embed/Block and weights.
        var hidden = new List<Tensor>[3];
        for (int l = 0; l < 3; l++) hidden[l] = [];
        foreach (var sequence in Sequences)
        {
            using var _ = no_grad();
            var ids = tensor(sequence, [1, sequence.Length]);
            var mask = ones([1, sequence.Length], int64);
            var h = model.Embed(ids);
            hidden[0].Add(h[0]);
            for (int l = 0; l < 2; l++)
            {
                h = model.Block(l, h, mask);
                hidden[l + 1].Add(h[0]);
            }
        }
        var state = bert.state_dict();
        for (int l = 0; l < 2; l++)
        {
            var before = cat(hidden[l], 0);
            var after = cat(hidden[l + 1], 0);
            string p = $"encoder.layer.{l}.";
            AssertClose(before, Rows(capture[p + "attention.self.query:input"]), 1e-6);
            AssertClose(before.matmul(state[p + "attention.self.query.weight"].t()) + state[p + "attention.self.query.bias"],
                Rows(capture[p + "attention.self.query:output"]), 1e-5);
            AssertClose(after, Rows(capture[$"resid_post.{l}"]), 1e-5);

            // The feed-forward sublayer by hand: pre = W x + b, then LN(W₂ gelu(pre) + b₂ + x) is the block output.
            var x = Rows(capture[p + "intermediate.dense:input"]);
            var pre = Rows(capture[p + "intermediate.dense:output"]);
            AssertClose(x.matmul(state[p + "intermediate.dense.weight"].t()) + state[p + "intermediate.dense.bias"], pre, 1e-5);
            var gelu = 0.5f * pre * (1 + (pre / Math.Sqrt(2)).erf());
            var block = LayerNorm(gelu.matmul(state[p + "output.dense.weight"].t()) + state[p + "output.dense.bias"] + x,
                state[p + "output.LayerNorm.weight"], state[p + "output.LayerNorm.bias"], Config.LayerNormEps);
            AssertClose(after, block, 1e-4);
        }

        // The last resid_post is the encoder's last hidden state at the real tokens.
        using (var batch = Batches(4).Single())
        {
            var last = model.Forward(batch.InputIds, batch.AttentionMask);
            var realRows = last.reshape(-1, 8).index_select(0, batch.AttentionMask.reshape(-1).nonzero().reshape(-1));
            AssertClose(realRows, Rows(capture["resid_post.1"]), 1e-5);
        }

        // Tokens: batch-major, then position; sequence ordinals count across batches.
        var expectedTokens = Sequences.SelectMany((s, i) => s.Select((id, j) => new CapturedToken(i, j, (int)id))).ToArray();
        Assert.Equal(expectedTokens, capture.ReadAllTokens());
    }

    [Fact]
    public void MaxTokensCutsTheLastBatchInRowOrderAndTheDeepestSiteLimitsTheBlocksRun()
    {
        using var bert = new BertModel(Config);
        using var all = ActivationCapture.Run(bert, Batches(2), new CaptureOptions { Sites = ["resid_post.0"] });
        using var cut = ActivationCapture.Run(bert, Batches(2), new CaptureOptions { Sites = ["resid_post.0"], MaxTokens = 10 });
        Assert.Equal(10, cut.RowCount);
        Assert.Equal(all["resid_post.0"].ReadRows(0, 10), cut["resid_post.0"].ReadAll());
        Assert.Equal(new CapturedToken(2, 1, 4), cut.ReadTokens(9, 1)[0]); // sequence 2 (second batch), position 1

        // A hook on layer 1 that would fail shows that block 1 never runs for a resid_post.0 capture.
        var handle = bert.GetLinear("encoder.layer.1.intermediate.dense").register_forward_hook((m, x, y) => throw new InvalidOperationException("block 1 ran"));
        using (var shallow = ActivationCapture.Run(bert, Batches(4), new CaptureOptions { Sites = ["resid_post.0"] }))
            Assert.Equal(all.RowCount, shallow.RowCount);
        handle.remove();
    }

    [Fact]
    public void ABudgetSmallerThanTheCaptureWritesSeveralShardsThatReadBackEqual()
    {
        manual_seed(4);
        using var bert = new BertModel(Config);
        string[] sites = ["encoder.layer.*.intermediate.dense", "resid_post.1"];
        using var memory = ActivationCapture.Run(bert, Batches(3), new CaptureOptions { Sites = sites });
        // Per row: (12 + 12 + 8) floats + 3 int64 = 152 bytes; 600 bytes hold 3 rows, so 18 rows make 6 shards.
        var folder = _folder.File("capture");
        CaptureSet disk;
        using (var written = ActivationCapture.Run(bert, Batches(3), new CaptureOptions { Sites = sites, Folder = folder, MemoryBudgetBytes = 600 }))
        {
            Assert.Equal(6, written.ShardCount);
            Assert.Equal(6, Directory.GetFiles(folder, "shard-*.safetensors").Length);
        }
        disk = CaptureSet.Open(folder);
        using (disk)
        {
            Assert.Equal(memory.RowCount, disk.RowCount);
            Assert.Equal("bert", disk.ModelType);
            Assert.Equal(memory.ReadAllTokens(), disk.ReadAllTokens());
            foreach (var site in memory.Sites)
            {
                var other = disk[site.Name];
                Assert.Equal(site.Site, other.Site);
                Assert.Equal(site.ReadAll(), other.ReadAll());
                Assert.Equal(site.ReadRows(2, 9), other.ReadRows(2, 9)); // crosses shard boundaries
                var columns = other.ReadColumns(3, 4);
                var all = site.ReadAll();
                for (int c = 0; c < 4; c++)
                    for (int r = 0; r < site.RowCount; r++)
                        Assert.Equal(all[r * site.Width + 3 + c], columns[c][r]);
                Assert.Equal(site.ReadColumns(0, site.Width), other.ReadColumns(0, site.Width));
            }
            Assert.Throws<ArgumentOutOfRangeException>(() => disk.Sites[0].ReadRows(17, 2));
            Assert.Throws<ArgumentOutOfRangeException>(() => disk.Sites[0].ReadColumns(10, 3));
        }

        // A second capture into the same folder replaces the first (no stale shards).
        using (var again = ActivationCapture.Run(bert, Batches(4), new CaptureOptions { Sites = ["resid_post.0"], Folder = folder }))
            Assert.Equal(1, again.ShardCount);
        Assert.Single(Directory.GetFiles(folder, "shard-*.safetensors"));
    }

    [Fact]
    public void AnInMemoryCaptureOverTheBudgetFailsClearly()
    {
        using var bert = new BertModel(Config);
        var e = Assert.Throws<NeuroLensException>(() => ActivationCapture.Run(bert, Batches(2),
            new CaptureOptions { Sites = ["resid_post.*"], MemoryBudgetBytes = 200 }));
        Assert.Contains("memory budget", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("encoder.layer.*.nothing", "no linear layer matches")]
    [InlineData("encoder.layer.0.intermediate.dense:sideways", "unknown suffix")]
    [InlineData("resid_post.7", "blocks 0..1")]
    [InlineData("resid_post.", "block number")]
    public void UnknownSitesFailNamingWhatExists(string spec, string message)
    {
        using var bert = new BertModel(Config);
        var e = Assert.Throws<NeuroLensException>(() => CaptureSites.Resolve(bert, [spec]));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void SiteGlobsStayInsideOneSegmentUnlessDoubled()
    {
        using var bert = new BertModel(Config);
        var star = CaptureSites.Resolve(bert, ["encoder.layer.*.output.dense"]).Select(s => s.Name).ToList();
        Assert.Equal(["encoder.layer.0.output.dense:output", "encoder.layer.1.output.dense:output"], star);
        var doubled = CaptureSites.Resolve(bert, ["encoder.layer.**.output.dense:in"]).Select(s => s.Name).ToList();
        Assert.Equal(4, doubled.Count); // attention.output.dense and output.dense of both blocks
        Assert.False(new ModuleGlob("encoder.*.dense").IsMatch("encoder.layer.0.output.dense"));
        Assert.True(new ModuleGlob("encoder.**.dense").IsMatch("encoder.layer.0.output.dense"));
        Assert.True(new ModuleGlob("layers.?.mlp").IsMatch("layers.3.mlp"));
        Assert.False(new ModuleGlob("layers.?.mlp").IsMatch("layers.13.mlp"));
        Assert.True(new ModuleGlob("layers.1*.mlp").IsMatch("layers.13.mlp"));
        var sites = CaptureSites.Resolve(bert, ["encoder.layer.0.intermediate.dense:both", "encoder.layer.0.intermediate.dense"]);
        Assert.Equal([8, 12], sites.Select(s => s.Width).ToArray()); // input width 8, output width 12, the repeat dropped
        Assert.Equal(0, sites[0].Layer);
    }

    internal static void AssertClose(Tensor expected, Tensor actual, double tolerance)
    {
        Assert.Equal(expected.shape, actual.shape);
        double max = (expected - actual).abs().max().item<float>();
        Assert.True(max <= tolerance, $"max abs difference {max} > {tolerance}");
    }
}
