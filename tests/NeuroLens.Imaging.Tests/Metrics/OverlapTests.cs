using NeuroLens.Imaging.Metrics;

namespace NeuroLens.Imaging.Tests.Metrics;

public class OverlapTests
{
    [Fact]
    public void BinaryDiceAndIoUMatchHandComputedValues()
    {
        // prediction 1 1 0 0 1, truth 1 0 0 1 1: |A∩B| = 2, |A| = |B| = 3.
        // Dice = 2*2/(3 + 3) = 2/3; IoU = 2/(3 + 3 - 2) = 1/2.
        byte[] prediction = [1, 1, 0, 0, 1], truth = [1, 0, 0, 1, 1];
        Assert.Equal(2.0 / 3, Overlap.Dice<byte>(prediction, truth), 15);
        Assert.Equal(0.5, Overlap.IoU<byte>(prediction, truth), 15);
        var p = new Volume<bool>(prediction.Select(v => v != 0).ToArray(), 1, 1, 5);
        var t = new Volume<bool>(truth.Select(v => v != 0).ToArray(), 1, 1, 5);
        Assert.Equal(2.0 / 3, Overlap.Dice(p, t), 15);
        Assert.Equal(0.5, Overlap.IoU(p, t), 15);
    }

    [Fact]
    public void EmptyMasksAgreeAndDisjointMasksScoreZero()
    {
        Assert.Equal(1, Overlap.Dice<byte>(new byte[4], new byte[4]));
        Assert.Equal(1, Overlap.IoU<byte>(new byte[4], new byte[4]));
        Assert.Equal(0, Overlap.Dice<byte>([1, 0], [0, 1]));
        Assert.Throws<NeuroLens.Core.NeuroLensException>(() => Overlap.Dice<byte>(new byte[2], new byte[3]));
    }

    [Fact]
    public void MeanPerLabelSkipsBackground()
    {
        // prediction 1 1 2 2 0, truth 1 2 2 2 0.
        // label 1: |A∩B| = 1, |A| = 2, |B| = 1: Dice 2/3, IoU 1/2; label 2: 2, 2, 3: Dice 4/5, IoU 2/3.
        var table = ContingencyTable.Of(LabelImages.Row(1, 1, 2, 2, 0), LabelImages.Row(1, 2, 2, 2, 0));
        Assert.Equal((2.0 / 3 + 0.8) / 2, Overlap.MeanDice(table), 15);
        Assert.Equal((0.5 + 2.0 / 3) / 2, Overlap.MeanIoU(table), 15);
        // A label only in the prediction counts as Dice 0.
        var extra = ContingencyTable.Of(LabelImages.Row(1, 3), LabelImages.Row(1, 0));
        Assert.Equal(0.5, Overlap.MeanDice(extra), 15);
    }
}
