using NeuroLens.Core;
using NeuroLens.Imaging.Filters;

namespace NeuroLens.Imaging.Segmentation;

/// <summary>Parameters of <see cref="InstanceSegmentation.FromBoundaries"/> (transfer.md §2); tune them on
/// source validation data only.</summary>
public sealed record InstanceSegmentationOptions
{
    /// <summary>Boundary probability below which a voxel counts as cell interior.</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>Seeds are maxima of the interior's distance transform at least this many voxels apart (Chebyshev radius).</summary>
    public int SeedMinDistance { get; init; } = 3;

    /// <summary>Seeds need at least this distance to the nearest boundary voxel (in voxels); thinner interiors get no seed of their own.</summary>
    public double SeedMinDepth { get; init; } = 1;

    /// <summary>When set, fragments whose shared boundary has a mean probability below this value are merged.</summary>
    public double? MergeThreshold { get; init; }

    /// <summary>Neighbourhood of the watershed and of the merging graph.</summary>
    public Connectivity Connectivity { get; init; } = Connectivity.Faces;

    /// <summary>Checks the values.</summary>
    public void Validate()
    {
        if (!(Threshold > 0 && Threshold < 1)) throw new NeuroLensException($"instance threshold must lie in (0, 1), got {Threshold}.");
        if (SeedMinDistance < 1) throw new NeuroLensException($"seed minimum distance must be ≥ 1, got {SeedMinDistance}.");
        if (MergeThreshold is double m && !(m >= 0 && m <= 1)) throw new NeuroLensException($"merge threshold must lie in [0, 1], got {m}.");
    }
}

/// <summary>
/// Instances from a boundary-probability map, the connectomics pipeline of transfer.md §2: threshold the
/// map, take the exact Euclidean distance transform of the interior, put one seed at each of its maxima
/// (<see cref="LocalMaxima"/>), flood the boundary map from the seeds with a seeded watershed
/// (<see cref="Watershed"/>, every voxel labelled), and optionally merge fragments by mean boundary
/// probability (<see cref="FragmentMerging"/>).
/// </summary>
public static class InstanceSegmentation
{
    /// <summary>Labels 1..n (0 nowhere), from a single-channel boundary map with values in [0, 1].</summary>
    public static Volume<uint> FromBoundaries(Volume<float> boundaries, InstanceSegmentationOptions? options = null)
    {
        options ??= new InstanceSegmentationOptions();
        options.Validate();
        if (boundaries.Channels != 1)
            throw new NeuroLensException($"a boundary map has one channel, got {boundaries.Channels}.");
        var interior = new Volume<byte>(boundaries.Depth, boundaries.Height, boundaries.Width, 1, boundaries.Dimensions) { VoxelSize = boundaries.VoxelSize };
        for (int i = 0; i < interior.Data.Length; i++) interior.Data[i] = boundaries.Data[i] < options.Threshold ? (byte)1 : (byte)0;
        var depth = DistanceTransform.Euclidean(interior);
        var peaks = LocalMaxima.Find(depth, options.SeedMinDistance, threshold: options.SeedMinDepth - 1e-9);

        var seeds = new Volume<uint>(boundaries.Depth, boundaries.Height, boundaries.Width, 1, boundaries.Dimensions) { VoxelSize = boundaries.VoxelSize };
        uint next = 0;
        foreach (var p in peaks) seeds[p.Z, p.Y, p.X] = ++next;
        if (next == 0)
        {
            // No interior anywhere: the whole image is one region.
            Array.Fill(seeds.Data, 1u);
            return seeds;
        }
        var labels = Watershed.Run(boundaries, seeds, mask: null, options.Connectivity);
        if (options.MergeThreshold is double threshold)
            labels = FragmentMerging.Run(labels, boundaries, threshold, options.Connectivity).Labels;
        return labels;
    }
}
