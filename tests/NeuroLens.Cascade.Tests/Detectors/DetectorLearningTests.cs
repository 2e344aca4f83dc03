using NeuroLens.Cascade.Detectors;

namespace NeuroLens.Cascade.Tests.Detectors;

/// <summary>Each detector learns to find nuclei chunks: held-out AUC well above chance.</summary>
public class DetectorLearningTests
{
    private static readonly NucleiTask Task = new();

    [Fact]
    public void TheTaskHasBothClassesInBothHalves()
    {
        foreach (var half in new[] { Task.Split[0].Train, Task.Split[0].HeldOut })
        {
            int positives = half.Count(c => Task.Truth[c]);
            Assert.InRange(positives, 10, half.Count - 10);
        }
    }

    [Fact]
    public void IntensityDetectorSeparatesNucleiChunks()
    {
        var detector = new IntensityDetector();
        detector.Train(Task.TrainingExamples(0), seed: 0);
        Assert.Equal(1, detector.Polarity);
        var calibration = Task.Calibrate(detector, 0);
        Assert.True(calibration.Auc > 0.85, $"AUC {calibration.Auc}");
        Assert.True(calibration.Point.Tpr.Estimate >= 0.95);
    }

    [Fact]
    public void IntensityDetectorLearnsDarkObjects()
    {
        var inverted = Task.Pyramid[0].Data.Select(v => 1 - v).ToArray();
        var image = new Imaging.Volume<float>(inverted, 1, Task.Pyramid[0].Height, Task.Pyramid[0].Width, 1, 2);
        var examples = Task.TrainingExamples(0).Select(e => e with { Level = image }).ToList();
        var detector = new IntensityDetector();
        detector.Train(examples, seed: 0);
        Assert.Equal(-1, detector.Polarity);
    }

    [Fact]
    public void PixelForestSeparatesNucleiChunksAndSegmentsVoxels()
    {
        var detector = new PixelForestDetector(new() { PixelsPerClass = 400, Trees = 10, Scales = [1.0, 2.0] });
        detector.Train(Task.TrainingExamples(0), seed: 1);
        var calibration = Task.Calibrate(detector, 0);
        Assert.True(calibration.Auc > 0.9, $"AUC {calibration.Auc}");

        // Voxel probabilities on a held-out positive chunk agree with its mask better than chance.
        var chunk = Task.Split[0].HeldOut.First(c => Task.Truth[c]);
        var box = Task.Grid.ChunkBox(chunk);
        var probability = detector.PixelProbabilities(Task.Pyramid[0], box);
        var mask = Task.Sample.Mask.Crop(box);
        double inside = 0, outside = 0; int ni = 0, no = 0;
        for (int i = 0; i < mask.Data.Length; i++)
            if (mask.Data[i] != 0) { inside += probability.Data[i]; ni++; } else { outside += probability.Data[i]; no++; }
        Assert.True(inside / ni > outside / no + 0.3, $"inside {inside / ni}, outside {outside / no}");

        // Seeded: a second forest with the same seed scores identically.
        var again = new PixelForestDetector(new() { PixelsPerClass = 400, Trees = 10, Scales = [1.0, 2.0] });
        again.Train(Task.TrainingExamples(0), seed: 1);
        Assert.Equal(detector.Score(Task.Pyramid[0], [box]), again.Score(Task.Pyramid[0], [box]));
    }
}

public class CnnDetectorTests
{
    private static readonly NucleiTask Task = new();

    [Fact]
    public void CnnSeparatesNucleiChunksDeterministically()
    {
        using var detector = new CnnChunkDetector(new() { InputSize = 8, Epochs = 12 });
        detector.Train(Task.TrainingExamples(0), seed: 2);
        var calibration = Task.Calibrate(detector, 0);
        Assert.True(calibration.Auc > 0.85, $"AUC {calibration.Auc}");

        using var again = new CnnChunkDetector(new() { InputSize = 8, Epochs = 12 });
        again.Train(Task.TrainingExamples(0), seed: 2);
        var boxes = Task.Split[0].HeldOut.Take(20).Select(Task.Grid.ChunkBox).ToList();
        Assert.Equal(detector.Score(Task.Pyramid[0], boxes), again.Score(Task.Pyramid[0], boxes));
    }

    [Fact]
    public void CnnTrainsOnThreeDimensionalChunks()
    {
        var rng = new Random(4);
        var volume = new Imaging.Volume<float>(16, 16, 16, 1, 3);
        for (int i = 0; i < volume.Data.Length; i++) volume.Data[i] = (float)(0.1 * rng.NextDouble());
        var grid = Imaging.Pyramids.ChunkGrid.For(volume, [4, 4, 4]);
        var positive = grid.Chunks(0).Select(_ => rng.NextDouble() < 0.4).ToArray();
        var chunks = grid.Chunks(0).ToList();
        for (int c = 0; c < chunks.Count; c++)
            if (positive[c])
            {
                var b = grid.ChunkBox(chunks[c]);
                volume[b.Z0 + 1, b.Y0 + 2, b.X0 + 1] = 1;
                volume[b.Z0 + 2, b.Y0 + 2, b.X0 + 1] = 1;
            }
        var examples = chunks.Select((c, i) => new ChunkExample(volume, grid.ChunkBox(c), positive[i])).ToList();
        using var detector = new CnnChunkDetector(new() { InputSize = 8, Width = 4, Epochs = 20 });
        detector.Train(examples.Where((_, i) => i % 2 == 0).ToList(), seed: 0);
        var held = examples.Where((_, i) => i % 2 == 1).ToList();
        var scores = detector.Score(volume, held.Select(e => e.Chunk).ToList());
        double auc = Roc.Auc(scores, held.Select(e => e.Positive).ToArray());
        Assert.True(auc > 0.85, $"AUC {auc}");
    }
}
