using NeuroLens.Imaging.Segmentation;

namespace NeuroLens.Transfer;

/// <summary>The source choice for one target, by MMD² and by measured transfer.</summary>
/// <param name="Target">The target domain.</param>
/// <param name="Sources">The candidate sources (every other domain), in MMD² order, smallest first.</param>
/// <param name="Mmd2">MMD² of each candidate, in <paramref name="Sources"/> order.</param>
/// <param name="PValues">Permutation p-value of each MMD².</param>
/// <param name="TransferVi">Measured VI after fine-tuning from each candidate (brute-force matrix), same order.</param>
/// <param name="Spearman">Spearman correlation of MMD² and measured VI over the candidates (positive: MMD ranks like transfer).</param>
/// <param name="Chosen">The MMD-chosen source (smallest MMD²).</param>
/// <param name="Worst">The source with the largest MMD².</param>
/// <param name="MeasuredBest">The source with the lowest measured VI.</param>
public sealed record TargetRanking(string Target, IReadOnlyList<string> Sources, IReadOnlyList<double> Mmd2,
    IReadOnlyList<double> PValues, IReadOnlyList<double> TransferVi, double Spearman, string Chosen, string Worst, string MeasuredBest);

/// <summary>One fine-tuning (or scratch) run scored on held-out target patches; VI in bits.</summary>
/// <param name="Target">Target domain.</param>
/// <param name="Arm"><c>mmd-chosen</c>, <c>mmd-worst</c> or <c>scratch</c>.</param>
/// <param name="Source">The source fine-tuned from (for scratch: the source whose selection and extraction it shares).</param>
/// <param name="Strategy">The selection strategy's name.</param>
/// <param name="N">Annotated target patches.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Split">Mean H(S|T).</param>
/// <param name="Merge">Mean H(T|S).</param>
/// <param name="Vi">Mean VI.</param>
/// <param name="Selected">The pool indices annotated.</param>
public sealed record FineTuneRun(string Target, string Arm, string Source, string Strategy, int N, int Seed,
    double Split, double Merge, double Vi, IReadOnlyList<int> Selected);

/// <summary>Everything <see cref="TransferStudy.Run"/> measured.</summary>
/// <param name="Domains">Domain names, the order of every matrix.</param>
/// <param name="Mmd2">MMD²[source, target]: target pool against the source's validation patches, in the source's feature space.</param>
/// <param name="PValues">Permutation p-values of <paramref name="Mmd2"/>.</param>
/// <param name="Bandwidths">Median-heuristic σ of each cell.</param>
/// <param name="TransferVi">Brute-force VI[source, target] after fine-tuning the source on the target (diagonal: in-domain).</param>
/// <param name="ZeroShotVi">VI[source, target] of the source model without fine-tuning.</param>
/// <param name="Extraction">Each source's instance extraction, tuned on its validation patches.</param>
/// <param name="Rankings">Per target, MMD ranking against measured transfer.</param>
/// <param name="MeanSpearman">Mean over targets of <see cref="TargetRanking.Spearman"/>.</param>
/// <param name="Mantel">Mantel test of the symmetrised MMD² matrix against the preset parameter distance (null for file domains).</param>
/// <param name="Runs">Every fine-tuning and scratch run.</param>
public sealed record TransferStudyResult(
    IReadOnlyList<string> Domains,
    double[,] Mmd2,
    double[,] PValues,
    double[,] Bandwidths,
    double[,] TransferVi,
    double[,] ZeroShotVi,
    IReadOnlyList<InstanceSegmentationOptions> Extraction,
    IReadOnlyList<TargetRanking> Rankings,
    double MeanSpearman,
    (double R, double PValue)? Mantel,
    IReadOnlyList<FineTuneRun> Runs)
{
    /// <summary>Mean VI of the runs of one arm and strategy at one n (NaN when there are none).</summary>
    public double MeanVi(string arm, string strategy, int n) =>
        Runs.Where(r => r.Arm == arm && r.Strategy == strategy && r.N == n).Select(r => r.Vi).DefaultIfEmpty(double.NaN).Average();
}
