using NeuroLens.Cascade.Detectors;
using NeuroLens.Cascade.Execution;
using NeuroLens.Imaging.Pyramids;
using NeuroLens.Imaging.Synthetic;

namespace NeuroLens.Cascade.Tests.Detectors;

/// <summary>
/// On EM organelles, a forest trained on a uniform background sample calls membranes and dark texture
/// object; one round of hard-negative mining removes most of those voxels and lets the chunk score rank
/// organelle chunks.
/// </summary>
public class HardNegativeMiningTests
{
    [Fact]
    public void MiningCutsBackgroundFalsePositivesAndSeparatesOrganelleChunks()
    {
        var options = (OrganelleOptions)SyntheticData.Options("organelles", null, 384, 384, 1, 0.2);
        var sample = SyntheticData.Generate(options, 5);
        var grid = ChunkGrid.For(sample.Image, [32, 32], levels: 1);
        var truth = ChunkTruth.FromMask(sample.Mask, grid, minVoxels: 8);
        var split = CascadeTraining.Split(grid, 5);
        var training = CascadeTraining.Examples(sample.Image, sample.Mask, grid, truth, split[0].Train);

        (double FalseVoxels, double Auc) Fit(int rounds)
        {
            var detector = new PixelForestDetector(new() { PixelsPerClass = 600, Trees = 10, HardNegativeRounds = rounds });
            detector.Train(training, seed: 1);
            long background = 0, called = 0;
            foreach (var chunk in split[0].HeldOut)
            {
                var box = grid.ChunkBox(chunk);
                var p = detector.PixelProbabilities(sample.Image, box);
                var mask = sample.Mask.Crop(box);
                for (int i = 0; i < mask.Data.Length; i++)
                    if (mask.Data[i] == 0) { background++; if (p.Data[i] >= 0.5f) called++; }
            }
            var calibration = CascadeTraining.Calibrate(detector, sample.Image, grid, truth, split[0].HeldOut, 0.95);
            return ((double)called / background, calibration.Auc);
        }

        var plain = Fit(0);
        var mined = Fit(1);
        Assert.True(mined.FalseVoxels < plain.FalseVoxels / 2, $"background voxels called object: plain {plain.FalseVoxels}, mined {mined.FalseVoxels}");
        Assert.True(mined.Auc > 0.85 && mined.Auc > plain.Auc, $"held-out chunk AUC with mining {mined.Auc} (without {plain.Auc})");
    }
}
