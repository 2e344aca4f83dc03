using System.Numerics;

namespace NeuroLens.Imaging.Metrics;

/// <summary>
/// Adapted Rand error as defined for SNEMI3D (Arganda-Carreras et al. 2015) and computed by
/// <c>skimage.metrics.adapted_rand_error</c>: 1 − F, with F the harmonic mean of the Rand precision and
/// recall over pairs of voxels. With n_ij the contingency counts, a_i the segment sizes and b_j the
/// truth sizes over the counted voxels, and ordered pairs of distinct voxels counted as x(x − 1):
/// precision = Σ n_ij(n_ij − 1) / Σ a_i(a_i − 1) (pairs joined by the segmentation that the truth also
/// joins), recall = Σ n_ij(n_ij − 1) / Σ b_j(b_j − 1) (pairs joined by the truth that the segmentation
/// also joins).
/// </summary>
/// <remarks>
/// The default ignore rule is <see cref="IgnoreZero.InTruth"/>, scikit-image's
/// <c>ignore_labels=(0,)</c>: voxels of truth label 0 are not counted, while segment 0 is an ordinary
/// segment. scikit-image 0.19 returns its precision and recall swapped with respect to its own
/// documentation (its "precision" divides by the truth pairs); the error, symmetric in the two, is the
/// same. CREMI's evaluation script also drops truth 0 but handles segment-0 voxels its own way; that variant is not reproduced. Sums are
/// exact (128-bit integers). Conventions for empty sums: no pair joined by the segmentation gives
/// precision 1, none joined by the truth gives recall 1, and no pair at all gives error 0.
/// </remarks>
/// <param name="Error">1 − F-score, in [0, 1].</param>
/// <param name="Precision">Rand precision (see the type's summary).</param>
/// <param name="Recall">Rand recall.</param>
public sealed record AdaptedRandError(double Error, double Precision, double Recall)
{
    /// <summary>Adapted Rand error from a contingency table.</summary>
    /// <param name="table">Counts of (segment, truth) label pairs.</param>
    /// <param name="ignore">Which voxels labelled 0 to leave out; default: truth 0.</param>
    public static AdaptedRandError Of(ContingencyTable table, IgnoreZero ignore = IgnoreZero.InTruth)
    {
        var (cells, segments, truths, _) = table.Kept(ignore);
        Int128 both = 0, seg = 0, truth = 0;
        foreach (var c in cells)
            both += Pairs(c.Count);
        foreach (long a in segments.Values)
            seg += Pairs(a);
        foreach (long b in truths.Values)
            truth += Pairs(b);
        double precision = seg == 0 ? 1 : (double)both / (double)seg;
        double recall = truth == 0 ? 1 : (double)both / (double)truth;
        double f = seg + truth == 0 ? 1 : 2 * (double)both / (double)(seg + truth);
        return new AdaptedRandError(1 - f, precision, recall);
    }

    /// <summary>Adapted Rand error of two label volumes of the same shape.</summary>
    /// <param name="segmentation">The segmentation under test.</param>
    /// <param name="truth">The ground truth.</param>
    /// <param name="ignore">Which voxels labelled 0 to leave out; default: truth 0.</param>
    /// <param name="threads">Workers; 0 or less: all processors.</param>
    public static AdaptedRandError Of<TSegment, TTruth>(Volume<TSegment> segmentation, Volume<TTruth> truth, IgnoreZero ignore = IgnoreZero.InTruth, int threads = 0)
        where TSegment : unmanaged, IBinaryInteger<TSegment>
        where TTruth : unmanaged, IBinaryInteger<TTruth> =>
        Of(ContingencyTable.Of(segmentation, truth, threads), ignore);

    private static Int128 Pairs(long x) => (Int128)x * (x - 1);
}
