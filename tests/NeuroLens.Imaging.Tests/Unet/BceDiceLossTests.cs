using NeuroLens.Core;
using NeuroLens.Imaging.Unet;
using static TorchSharp.torch;

namespace NeuroLens.Imaging.Tests.Unet;

public class BceDiceLossTests
{
    // One sample, one channel, 2×2: logits 0, 2, −1, 40; target 0, 1, 1, 1.
    private static readonly float[] Logits = [0f, 2f, -1f, 40f];
    private static readonly float[] Targets = [0f, 1f, 1f, 1f];

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    private static double ExpectedBce() =>
        Logits.Zip(Targets, (z, t) => Math.Log(1 + Math.Exp(z)) - t * z).Average(); // −t ln σ(z) − (1 − t) ln(1 − σ(z))

    private static double ExpectedDiceLoss(double smooth)
    {
        double pt = 0, p = 0, t = 0;
        for (int i = 0; i < 4; i++) { pt += Sigmoid(Logits[i]) * Targets[i]; p += Sigmoid(Logits[i]); t += Targets[i]; }
        return 1 - (2 * pt + smooth) / (p + t + smooth);
    }

    private static double Loss(BceDiceLoss loss)
    {
        using var z = tensor(Logits, 1, 1, 2, 2);
        using var t = tensor(Targets, 1, 1, 2, 2);
        using var l = loss.Compute(z, t);
        return l.item<float>();
    }

    [Fact]
    public void TermsMatchHandComputation()
    {
        // BCE: (ln 2 + ln(1 + e^-2) + ln(1 + e) + ln(1 + e^-40)) / 4 = 0.533334
        Assert.Equal(0.533334, ExpectedBce(), 5);
        Assert.Equal(ExpectedBce(), Loss(new BceDiceLoss(1, 0)), 5);
        Assert.Equal(ExpectedDiceLoss(1), Loss(new BceDiceLoss(0, 1, 1)), 5);
        Assert.Equal(ExpectedDiceLoss(0), Loss(new BceDiceLoss(0, 1, 0)), 5);
        Assert.Equal(0.5 * ExpectedBce() + 2 * ExpectedDiceLoss(1), Loss(new BceDiceLoss(0.5, 2)), 5);
    }

    [Fact]
    public void DiceIsAveragedOverSamplesAndChannels()
    {
        // Sample 0 predicts its target perfectly (Dice ≈ 1), sample 1 predicts the complement (Dice ≈ 0 with no smoothing).
        using var z = tensor(new float[] { 50, -50, -50, 50 }, 2, 1, 1, 2);
        using var t = tensor(new float[] { 1, 0, 1, 0 }, 2, 1, 1, 2);
        using var l = new BceDiceLoss(0, 1, 0).Compute(z, t);
        Assert.Equal(0.5, l.item<float>(), 5);
    }

    [Fact]
    public void StableForExtremeLogits()
    {
        using var z = tensor(new float[] { 1000, -1000 }, 1, 1, 1, 2);
        using var t = tensor(new float[] { 0, 1 }, 1, 1, 1, 2);
        using var l = new BceDiceLoss().Compute(z, t);
        float value = l.item<float>();
        Assert.True(float.IsFinite(value));
        Assert.Equal(1000 + (1 - 1.0 / 3), value, 3); // BCE mean 1000; Dice (0 + 1) / (2 + 1)
    }

    [Fact]
    public void ShapeMismatchIsAnError()
    {
        using var z = zeros(1, 1, 2, 2);
        using var t = zeros(1, 1, 2, 3);
        Assert.Throws<NeuroLensException>(() => new BceDiceLoss().Compute(z, t));
    }
}
