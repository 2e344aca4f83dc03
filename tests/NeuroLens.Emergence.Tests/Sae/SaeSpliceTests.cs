using NeuroLens.Emergence.Activations;
using NeuroLens.Emergence.Sae;
using NeuroLens.Models.GptNeoX;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Tests.Sae;

public sealed class SaeSpliceTests
{
    public SaeSpliceTests() => TorchThreads.UseOne();

    private static GptNeoXModel TinyModel()
    {
        manual_seed(3);
        return new GptNeoXModel(new GptNeoXConfig(VocabSize: 40, HiddenSize: 16, NumHiddenLayers: 3, NumAttentionHeads: 2, IntermediateSize: 32, MaxPositionEmbeddings: 32));
    }

    private static readonly int[][] Sequences = [[1, 5, 9, 3, 7, 2], [4, 4, 8, 1], [6, 2, 2, 9, 11, 30, 12]];

    [Fact]
    public void AnExactSaeRecoversAllOfTheLossAndAZeroDecoderNone()
    {
        using var model = TinyModel();
        // relu(x) − relu(−x) = x: W_enc = [I, −I], W_dec = [I; −I] reconstructs exactly.
        using var eye = torch.eye(16);
        using var exact = new SparseAutoencoder(SaeArchitecture.Relu, 0, cat([eye, eye.neg()], 1), zeros(32), cat([eye, eye.neg()], 0), zeros(16));
        var splice = SaeSplice.Measure(model, exact, 1, Sequences);
        Assert.Equal(splice.Clean, splice.Spliced, 5);
        Assert.Equal(1.0, splice.Recovered, 4);
        Assert.True(splice.Zero > splice.Clean);

        using var nothing = new SparseAutoencoder(SaeArchitecture.Relu, 0, cat([eye, eye.neg()], 1), zeros(32), zeros(32, 16), zeros(16));
        var none = SaeSplice.Measure(model, nothing, 1, Sequences);
        Assert.Equal(none.Zero, none.Spliced, 5);
        Assert.Equal(0.0, none.Recovered, 4);
    }

    [Fact]
    public void LiveModelSourceCapturesTheBlockOutputOfRealTokens()
    {
        using var model = TinyModel();
        var source = new ModelActivationSource(model, Sequences, layer: 1, batchSize: 2);
        Assert.Equal(17, source.Rows);
        using var rows = cat(source.ReadChunks().ToList(), 0);
        Assert.Equal(new long[] { 17, 16 }, rows.shape);
        // Sequence 1 alone, run block by block: resid_post[1] = Block(1, Block(0, Embed(ids))).
        using var ids = tensor(new long[] { 4, 4, 8, 1 }, [1, 4]);
        using var mask = ones(1, 4, ScalarType.Int64);
        using var h0 = model.Embed(ids);
        using var h1 = model.Block(0, h0, mask);
        using var h2 = model.Block(1, h1, mask);
        using var expected = h2.reshape(4, 16);
        using var actual = rows.narrow(0, 6, 4);
        Assert.True(expected.allclose(actual, rtol: 1e-4, atol: 1e-5));
    }
}
