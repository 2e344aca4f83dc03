using System.Numerics;
using NeuroLens.Core;
using NeuroLens.Core.Runtime;
using NeuroLens.Imaging.IO;

namespace NeuroLens.Imaging.Metrics;

/// <summary>The scores of one segmentation against its ground truth, all from one contingency table.</summary>
/// <param name="Split">H(S|T) in bits: over-segmentation.</param>
/// <param name="Merge">H(T|S) in bits: under-segmentation.</param>
/// <param name="Vi">Split + merge, in bits.</param>
/// <param name="AdaptedRand">Adapted Rand error (CREMI/SNEMI3D convention).</param>
/// <param name="RandPrecision">Rand precision.</param>
/// <param name="RandRecall">Rand recall.</param>
/// <param name="Ignore">Which zero labels were left out.</param>
/// <param name="Voxels">Voxels compared (before ignoring).</param>
/// <param name="LabelPairs">Distinct (segment, truth) pairs.</param>
public sealed record SegmentationScores(double Split, double Merge, double Vi, double AdaptedRand, double RandPrecision,
    double RandRecall, IgnoreZero Ignore, long Voxels, int LabelPairs);

/// <summary>
/// Scores two label volumes whose voxel types are known only at run time (whatever the files held:
/// uint8 to uint64, signed, or float arrays of whole numbers). Labels are read in chunks of a million
/// voxels as uint64 into per-worker contingency tables, so no converted copy of either volume is made.
/// </summary>
public static class SegmentationEvaluation
{
    private const int ChunkLength = 1 << 20;

    /// <summary>VI (split, merge) and adapted Rand of <paramref name="segmentation"/> against <paramref name="truth"/>.</summary>
    /// <exception cref="NeuroLensException">Shapes differ, or a label is negative or not a whole number.</exception>
    public static SegmentationScores Score(AnyVolume segmentation, AnyVolume truth, IgnoreZero ignore)
    {
        if (segmentation.Depth != truth.Depth || segmentation.Height != truth.Height || segmentation.Width != truth.Width)
            throw new NeuroLensException($"segmentation [{segmentation.Depth}, {segmentation.Height}, {segmentation.Width}] and truth " +
                                         $"[{truth.Depth}, {truth.Height}, {truth.Width}] differ in shape.");
        var table = Table(segmentation.Accept(new LabelReader("segmentation")), truth.Accept(new LabelReader("truth")),
                          (long)truth.Depth * truth.Height * truth.Width);
        var vi = VariationOfInformation.Of(table, ignore);
        var rand = AdaptedRandError.Of(table, ignore);
        return new SegmentationScores(vi.Split, vi.Merge, vi.Total, rand.Error, rand.Precision, rand.Recall, ignore, table.Total, table.PairCount);
    }

    private static ContingencyTable Table(Action<long, ulong[], int> segmentation, Action<long, ulong[], int> truth, long voxels)
    {
        var result = new ContingencyTable();
        var gate = new object();
        long chunks = (voxels + ChunkLength - 1) / ChunkLength;
        Parallel.For(0L, chunks, ComputeSettings.ParallelOptions,
            () => (Table: new ContingencyTable(), S: new ulong[ChunkLength], T: new ulong[ChunkLength]),
            (chunk, _, local) =>
            {
                long start = chunk * ChunkLength;
                int count = (int)Math.Min(ChunkLength, voxels - start);
                segmentation(start, local.S, count);
                truth(start, local.T, count);
                local.Table.Add<ulong, ulong>(local.S.AsSpan(0, count), local.T.AsSpan(0, count));
                return local;
            },
            local => { lock (gate) result.Merge(local.Table); });
        return result;
    }

    // Copies a run of labels of any numeric type into a uint64 buffer, refusing values that are no label.
    private sealed class LabelReader(string role) : IVolumeVisitor<Action<long, ulong[], int>>
    {
        public Action<long, ulong[], int> Visit<T>(Volume<T> volume) where T : unmanaged, INumber<T> => (start, buffer, count) =>
        {
            var data = volume.Data.AsSpan(checked((int)start), count);
            for (int i = 0; i < count; i++)
            {
                T value = data[i];
                if (T.IsNegative(value) || !T.IsInteger(value))
                    throw new NeuroLensException($"{role} holds {value} at voxel {start + i}; labels are whole numbers ≥ 0.");
                buffer[i] = ulong.CreateTruncating(value);
            }
        };
    }
}
