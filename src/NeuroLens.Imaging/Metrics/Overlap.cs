using NeuroLens.Core;

namespace NeuroLens.Imaging.Metrics;

/// <summary>
/// Overlap scores of a predicted mask against a true mask: Dice = 2|A∩B| / (|A| + |B|) and
/// IoU (Jaccard) = |A∩B| / |A∪B|. A voxel is foreground when its value is not the type's default
/// (non-zero, true). Two empty masks agree perfectly: both scores are 1.
/// </summary>
public static class Overlap
{
    /// <summary>Dice coefficient of two masks of the same length.</summary>
    /// <param name="prediction">Predicted mask.</param>
    /// <param name="truth">True mask.</param>
    public static double Dice<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> truth) where T : unmanaged, IEquatable<T>
    {
        var (both, a, b) = Count(prediction, truth);
        return a + b == 0 ? 1 : 2.0 * both / (a + b);
    }

    /// <summary>Intersection over union of two masks of the same length.</summary>
    /// <param name="prediction">Predicted mask.</param>
    /// <param name="truth">True mask.</param>
    public static double IoU<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> truth) where T : unmanaged, IEquatable<T>
    {
        var (both, a, b) = Count(prediction, truth);
        return a + b == 0 ? 1 : (double)both / (a + b - both);
    }

    /// <summary>Dice coefficient of two mask volumes of the same shape (all channels).</summary>
    public static double Dice<T>(Volume<T> prediction, Volume<T> truth) where T : unmanaged, IEquatable<T> =>
        Dice<T>(Checked(prediction, truth), truth.Data);

    /// <summary>Intersection over union of two mask volumes of the same shape (all channels).</summary>
    public static double IoU<T>(Volume<T> prediction, Volume<T> truth) where T : unmanaged, IEquatable<T> =>
        IoU<T>(Checked(prediction, truth), truth.Data);

    /// <summary>
    /// Mean Dice over labels, for semantic label maps: for each label l ≠ 0 present in the prediction
    /// or the truth, the Dice of the masks "prediction = l" and "truth = l"; label 0 is background and
    /// not scored. 1 when neither holds a non-zero label.
    /// </summary>
    /// <param name="table">Contingency table of prediction (segment) against truth labels.</param>
    public static double MeanDice(ContingencyTable table) => MeanPerLabel(table, dice: true);

    /// <summary>Mean IoU over labels, with the conventions of <see cref="MeanDice"/>.</summary>
    /// <param name="table">Contingency table of prediction (segment) against truth labels.</param>
    public static double MeanIoU(ContingencyTable table) => MeanPerLabel(table, dice: false);

    private static double MeanPerLabel(ContingencyTable table, bool dice)
    {
        var (cells, predicted, truths, _) = table.Kept(IgnoreZero.None);
        var labels = new SortedSet<ulong>(predicted.Keys.Concat(truths.Keys));
        labels.Remove(0);
        if (labels.Count == 0)
            return 1;
        var intersection = new Dictionary<ulong, long>();
        foreach (var c in cells)
            if (c.Segment == c.Truth)
                intersection[c.Segment] = c.Count;
        double sum = 0;
        foreach (ulong l in labels)
        {
            long both = intersection.GetValueOrDefault(l), a = predicted.GetValueOrDefault(l), b = truths.GetValueOrDefault(l);
            sum += dice ? 2.0 * both / (a + b) : (double)both / (a + b - both);
        }
        return sum / labels.Count;
    }

    private static (long Both, long Prediction, long Truth) Count<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> truth) where T : unmanaged, IEquatable<T>
    {
        if (prediction.Length != truth.Length)
            throw new NeuroLensException($"masks differ in length: prediction {prediction.Length}, truth {truth.Length}.");
        long both = 0, a = 0, b = 0;
        for (int i = 0; i < prediction.Length; i++)
        {
            bool p = !prediction[i].Equals(default), t = !truth[i].Equals(default);
            a += p ? 1 : 0;
            b += t ? 1 : 0;
            both += p & t ? 1 : 0;
        }
        return (both, a, b);
    }

    private static T[] Checked<T>(Volume<T> prediction, Volume<T> truth) where T : unmanaged
    {
        if (prediction.Depth != truth.Depth || prediction.Height != truth.Height || prediction.Width != truth.Width || prediction.Channels != truth.Channels)
            throw new NeuroLensException($"prediction {prediction} and truth {truth} differ in shape.");
        return prediction.Data;
    }
}
