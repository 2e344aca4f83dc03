using System.Numerics;

namespace NeuroLens.Imaging.Metrics;

/// <summary>
/// Variation of Information between a segmentation S and a ground truth T (Meilă 2007), in bits:
/// VI = H(S|T) + H(T|S), with p_ij the joint frequency of segment i and truth label j over the counted
/// voxels. <see cref="Split"/> = H(S|T) grows when truth objects are split over several segments
/// (over-segmentation); <see cref="Merge"/> = H(T|S) grows when a segment merges several truth objects
/// (under-segmentation).
/// </summary>
/// <remarks>
/// Agrees with <c>skimage.metrics.variation_of_information(truth, segmentation, ignore_labels=...)</c>,
/// which returns <c>[split, merge]</c> in bits: <see cref="IgnoreZero.None"/> is <c>ignore_labels=()</c>,
/// <see cref="IgnoreZero.InTruth"/> is <c>ignore_labels=(0,)</c> (CREMI). <see cref="IgnoreZero.InBoth"/>
/// (gala) also drops voxels of segment 0. When every voxel is ignored, both terms are 0.
/// </remarks>
/// <param name="Split">H(S|T) in bits: over-segmentation.</param>
/// <param name="Merge">H(T|S) in bits: under-segmentation.</param>
public sealed record VariationOfInformation(double Split, double Merge)
{
    /// <summary>VI = split + merge, in bits.</summary>
    public double Total => Split + Merge;

    /// <summary>VI from a contingency table (exactly linear in its cells).</summary>
    /// <param name="table">Counts of (segment, truth) label pairs.</param>
    /// <param name="ignore">Which voxels labelled 0 to leave out.</param>
    public static VariationOfInformation Of(ContingencyTable table, IgnoreZero ignore = IgnoreZero.None)
    {
        var (cells, segments, truths, total) = table.Kept(ignore);
        if (total == 0)
            return new VariationOfInformation(0, 0);
        // H(S|T) = -sum_ij p_ij log2(p_ij / p_j) = -(1/N) sum_ij n_ij log2(n_ij / b_j); likewise H(T|S) with a_i.
        double split = 0, merge = 0;
        foreach (var c in cells)
        {
            double n = c.Count;
            split -= n * Math.Log2(n / truths[c.Truth]);
            merge -= n * Math.Log2(n / segments[c.Segment]);
        }
        // -0 becomes 0 for a perfect match.
        return new VariationOfInformation(split / total + 0.0, merge / total + 0.0);
    }

    /// <summary>VI of two label volumes of the same shape (counted in parallel; see <see cref="ContingencyTable.Of{TSegment, TTruth}(Volume{TSegment}, Volume{TTruth}, int)"/>).</summary>
    /// <param name="segmentation">The segmentation under test.</param>
    /// <param name="truth">The ground truth.</param>
    /// <param name="ignore">Which voxels labelled 0 to leave out.</param>
    /// <param name="threads">Workers; 0 or less: all processors.</param>
    public static VariationOfInformation Of<TSegment, TTruth>(Volume<TSegment> segmentation, Volume<TTruth> truth, IgnoreZero ignore = IgnoreZero.None, int threads = 0)
        where TSegment : unmanaged, IBinaryInteger<TSegment>
        where TTruth : unmanaged, IBinaryInteger<TTruth> =>
        Of(ContingencyTable.Of(segmentation, truth, threads), ignore);
}
