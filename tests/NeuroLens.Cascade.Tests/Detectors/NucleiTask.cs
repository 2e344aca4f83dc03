using NeuroLens.Cascade.Detectors;
using NeuroLens.Cascade.Execution;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Pyramids;
using NeuroLens.Imaging.Synthetic;

namespace NeuroLens.Cascade.Tests.Detectors;

/// <summary>A small 2D nuclei image cut into 16 × 16 chunks, with training and held-out halves at level 0.</summary>
internal sealed class NucleiTask
{
    public NucleiTask(int seed = 3, int size = 256, int chunk = 16, double prevalence = 0.3)
    {
        var options = new NucleiOptions
        {
            Width = size, Height = size, RadiusMin = 3, RadiusMax = 5,
            Placement = new PlacementOptions { TargetPrevalence = prevalence, ChunkSize = chunk },
        };
        Sample = NucleiGenerator.Generate(options, seed);
        Pyramid = Imaging.Pyramids.Pyramid.Build(Sample.Image, 2);
        Masks = Imaging.Pyramids.Pyramid.BuildLabels(Sample.Mask, 2);
        Grid = ChunkGrid.For(Sample.Image, [chunk, chunk], levels: 2);
        Truth = ChunkTruth.FromMask(Sample.Mask, Grid);
        Split = CascadeTraining.Split(Grid, seed);
    }

    public SyntheticSample Sample { get; }
    public IReadOnlyList<Volume<float>> Pyramid { get; }
    public IReadOnlyList<Volume<byte>> Masks { get; }
    public ChunkGrid Grid { get; }
    public ChunkTruth Truth { get; }
    public IReadOnlyList<(IReadOnlyList<ChunkIndex> Train, IReadOnlyList<ChunkIndex> HeldOut)> Split { get; }

    public IReadOnlyList<ChunkExample> TrainingExamples(int level) =>
        CascadeTraining.Examples(Pyramid[level], Masks[level], Grid, Truth, Split[level].Train);

    public LevelCalibration Calibrate(IChunkDetector detector, int level, double targetTpr = 0.95) =>
        CascadeTraining.Calibrate(detector, Pyramid[level], Grid, Truth, Split[level].HeldOut, targetTpr);
}
