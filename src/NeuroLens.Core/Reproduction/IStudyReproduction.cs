using NeuroLens.Core.Progress;
using NeuroLens.Core.Reports;

namespace NeuroLens.Core.Reproduction;

/// <summary>
/// One paper's central experiment at laptop scale, run by <c>neurolens reproduce</c>. A study library
/// implements it; the reproduction appends its section to the shared report and returns its summary
/// for results.json.
/// </summary>
public interface IStudyReproduction
{
    /// <summary>The study's name on the command line (<c>wasserstein</c>, <c>emergence</c>, ...).</summary>
    string Name { get; }

    /// <summary>The section title in the report.</summary>
    string Title { get; }

    /// <summary>
    /// Runs the experiment, writes its tables and figures into <see cref="ReproductionContext.Folder"/>,
    /// appends its section to <paramref name="report"/> and returns its machine-readable summary.
    /// </summary>
    object Run(ReproductionContext context, Report report, IProgress<ProgressUpdate> progress);
}

/// <summary>What every study reproduction gets.</summary>
/// <param name="Folder">The output folder shared by all studies of the run.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Scale">Size multiplier: 1 is the default laptop scale; larger values grow data and models.</param>
/// <param name="Timings">Phase timings recorded into results.json.</param>
public sealed record ReproductionContext(OutputFolder Folder, long Seed, double Scale, Timings Timings);
