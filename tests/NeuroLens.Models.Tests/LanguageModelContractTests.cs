using NeuroLens.Models.Bert;
using NeuroLens.Models.Language;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroLens.Models.Tests;

/// <summary>
/// The <see cref="ILanguageModel"/> contract on BERT: block-by-block forward equals the whole forward,
/// and forward hooks on a linear layer see its input and output and can replace the output.
/// </summary>
public sealed class LanguageModelContractTests
{
    private static readonly BertConfig Config = new(VocabSize: 30, HiddenSize: 8, NumHiddenLayers: 2, NumAttentionHeads: 2,
        IntermediateSize: 12, MaxPositionEmbeddings: 16);

    private static (Tensor Ids, Tensor Mask) Inputs()
    {
        var ids = tensor(new long[] { 2, 5, 7, 9, 3, 2, 4, 3, 0, 0 }, [2, 5]);
        var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 0, 0 }, [2, 5]);
        return (ids, mask);
    }

    [Fact]
    public void BlockByBlockForwardEqualsForward()
    {
        manual_seed(1);
        ILanguageModel model = new BertModel(Config);
        using var _ = model;
        var (ids, mask) = Inputs();
        using var whole = model.Forward(ids, mask);
        var h = model.Embed(ids);
        for (int i = 0; i < model.NumLayers; i++)
        {
            var next = model.Block(i, h, mask);
            h.Dispose();
            h = next;
        }
        using var head = model.Head(h);
        Assert.Equal(0, (whole - head).abs().max().item<float>(), 6);
        Assert.Equal("encoder.layer.1", model.BlockName(1));
        Assert.Equal(["encoder.layer.1.intermediate.dense"], model.FeedForwardGroups(1)[0]);
    }

    [Fact]
    public void ForwardHooksSeeAndReplaceLinearOutputs()
    {
        manual_seed(2);
        ILanguageModel model = new BertModel(Config);
        using var _ = model;
        var (ids, mask) = Inputs();
        using var dense = model.Forward(ids, mask);
        var linear = model.GetLinear("encoder.layer.0.intermediate.dense");
        Tensor? seenInput = null, seenOutput = null;
        var capture = linear.register_forward_hook((m, input, output) =>
        {
            seenInput = input.detach().clone().DetachFromDisposeScope(); // the forward runs in a dispose scope
            seenOutput = output.detach().clone().DetachFromDisposeScope();
            return null!; // null keeps the output
        });
        using (var again = model.Forward(ids, mask))
            Assert.Equal(0, (again - dense).abs().max().item<float>(), 6);
        capture.remove();
        Assert.NotNull(seenInput);
        Assert.Equal(new long[] { 2, 5, 12 }, seenOutput!.shape);
        using (var manual = nn.functional.linear(seenInput!, linear.weight!, linear.bias))
            Assert.Equal(0, (manual - seenOutput).abs().max().item<float>(), 6);

        var zeroing = linear.register_forward_hook((m, input, output) => zeros_like(output));
        using var ablated = model.Forward(ids, mask);
        zeroing.remove();
        Assert.True((ablated - dense).abs().max().item<float>() > 1e-3);
    }
}
