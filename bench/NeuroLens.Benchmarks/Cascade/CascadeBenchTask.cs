using NeuroLens.Cascade.Detectors;
using NeuroLens.Cascade.Execution;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Pyramids;
using NeuroLens.Imaging.Synthetic;

namespace NeuroLens.Benchmarks.Cascade;

/// <summary>
/// The input of the cascade benchmarks: a synthetic nuclei image — 2048 × 2048 (4.19 Mpx, 32-pixel chunks)
/// or 64 × 192 × 192 (2.36 Mvox, 16-voxel chunks) — at chunk prevalence 0.05, its two-level block-mean
/// pyramid, and detectors of one kind trained per level on the training half and thresholded for held-out
/// TPR ≥ 0.95, exactly as <c>CascadeImageRun</c> does.
/// </summary>
internal sealed class CascadeBenchTask : IDisposable
{
    public const int Levels = 2;

    public CascadeBenchTask(string shape, string detector, int seed = 0)
    {
        bool threeD = shape == "3d";
        int chunk = threeD ? 16 : 32;
        var options = new NucleiOptions
        {
            Width = threeD ? 192 : 2048, Height = threeD ? 192 : 2048, Depth = threeD ? 64 : 1,
            Placement = new PlacementOptions { TargetPrevalence = 0.05, ChunkSize = chunk },
        };
        var sample = NucleiGenerator.Generate(options, seed);
        Pyramid = NeuroLens.Imaging.Pyramids.Pyramid.Build(sample.Image, Levels);
        var masks = NeuroLens.Imaging.Pyramids.Pyramid.BuildLabels(sample.Mask, Levels);
        Grid = ChunkGrid.For(sample.Image, Enumerable.Repeat(chunk, threeD ? 3 : 2).ToArray(), Levels);
        Truth = ChunkTruth.FromMask(sample.Mask, Grid);
        var split = CascadeTraining.Split(Grid, seed);
        for (int k = 0; k < Levels; k++)
        {
            var d = ChunkDetectors.Create(detector);
            d.Train(CascadeTraining.Examples(Pyramid[k], masks[k], Grid, Truth, split[k].Train), seed + k);
            var calibration = CascadeTraining.Calibrate(d, Pyramid[k], Grid, Truth, split[k].HeldOut, 0.95);
            Calibrations.Add(calibration);
            Stages.Add(new CascadeStage(d, calibration.Threshold));
        }
    }

    public IReadOnlyList<Volume<float>> Pyramid { get; }
    public ChunkGrid Grid { get; }
    public ChunkTruth Truth { get; }
    public List<LevelCalibration> Calibrations { get; } = [];
    public List<CascadeStage> Stages { get; } = [];

    /// <summary>Level-0 voxels.</summary>
    public long Voxels => Pyramid[0].VoxelCount;

    public void Dispose()
    {
        foreach (var stage in Stages) (stage.Detector as IDisposable)?.Dispose();
    }
}
