using NeuroLens.Imaging.Synthetic;

namespace NeuroLens.Imaging.Tests.Synthetic;

public class EmImagingTests
{
    // Noise-free, so that two settings differ only in the effect under test.
    private static readonly EmSectionOptions Clean = EmPresets.Get("mouse-sbem") with
    {
        Width = 128, Height = 128, Photons = 0, ReadNoise = 0, StripeAmplitude = 0, IlluminationVariation = 0, Contrast = 1, Gamma = 1,
    };

    private static (double Mean, double Sd) Stats(SyntheticSample s)
    {
        double mean = s.Image.Data.Average(v => (double)v);
        return (mean, Math.Sqrt(s.Image.Data.Average(v => (v - mean) * (v - mean))));
    }

    [Fact]
    public void FoldsOnlyDarkenABandAndLabelsStay()
    {
        var plain = EmSectionGenerator.Generate(Clean, 3);
        var folded = EmSectionGenerator.Generate(Clean with { FoldProbability = 1, FoldWidth = 10 }, 3);
        Assert.Equal(plain.Labels.Data, folded.Labels.Data);
        int darker = 0;
        for (int i = 0; i < plain.Image.Data.Length; i++)
        {
            Assert.True(folded.Image.Data[i] <= plain.Image.Data[i] + 1e-6f);
            if (folded.Image.Data[i] < 0.8f * plain.Image.Data[i]) darker++;
        }
        // A band about 10 voxels wide across (part of) a 128 × 128 image.
        Assert.InRange(darker, 1, 14 * 128 * Math.Sqrt(2));
    }

    [Fact]
    public void ContrastGammaStripesAndNoiseActAsStated()
    {
        var (mean, sd) = Stats(EmSectionGenerator.Generate(Clean, 1));
        var (_, lowContrastSd) = Stats(EmSectionGenerator.Generate(Clean with { Contrast = 0.5 }, 1));
        Assert.InRange(lowContrastSd / sd, 0.499, 0.501);
        Assert.True(Stats(EmSectionGenerator.Generate(Clean with { Gamma = 2 }, 1)).Mean < mean - 0.1);
        Assert.True(Stats(EmSectionGenerator.Generate(Clean with { Photons = 20 }, 1)).Sd > sd * 1.2);

        // Horizontal stripes (angle 0) vary from row to row, not along a row.
        var striped = EmSectionGenerator.Generate(Clean with { StripeAmplitude = 0.1, StripePeriod = 8 }, 1);
        var plain = EmSectionGenerator.Generate(Clean, 1);
        var rowShift = Enumerable.Range(0, 128).Select(y => Enumerable.Range(0, 128).Average(x => striped.Image[0, y, x] - plain.Image[0, y, x])).ToArray();
        Assert.True(rowShift.Max() - rowShift.Min() > 0.08);
        for (int y = 0; y < 128; y++)
            for (int x = 0; x < 128; x++)
            {
                float shift = striped.Image[0, y, x] - plain.Image[0, y, x];
                bool clipped = striped.Image[0, y, x] is 0 or 1;
                if (!clipped) Assert.Equal(rowShift[y], shift, 3);
            }
    }
}
