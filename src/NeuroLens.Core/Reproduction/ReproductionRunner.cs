using System.Diagnostics;
using NeuroLens.Core.Progress;
using NeuroLens.Core.Reports;
using NeuroLens.Core.Runtime;

namespace NeuroLens.Core.Reproduction;

/// <summary>The outcome of one study within a reproduction run.</summary>
/// <param name="Name">The study's name.</param>
/// <param name="Title">Its report title.</param>
/// <param name="Status"><c>done</c>, <c>not_built</c> or <c>failed</c>.</param>
/// <param name="Seconds">Wall time spent on it.</param>
/// <param name="Issue">The issue that builds it, when not built.</param>
/// <param name="Error">The one-line error, when it failed.</param>
/// <param name="Results">Its summary, when done.</param>
public sealed record StudyOutcome(string Name, string Title, string Status, double Seconds, int? Issue, string? Error, object? Results);

/// <summary>The whole run's summary: the results member of results.json.</summary>
/// <param name="Report">Path of report.html.</param>
/// <param name="Studies">One outcome per requested study, in catalogue order.</param>
public sealed record ReproductionSummary(string Report, IReadOnlyList<StudyOutcome> Studies);

/// <summary>
/// Runs the requested studies in catalogue order into one output folder and one self-contained report.
/// A study that fails is reported as failed with its one-line error and the others still run (the
/// caller decides the exit code from <see cref="StudyOutcome.Status"/>); a study
/// that is not built yet gets a section saying so.
/// </summary>
public static class ReproductionRunner
{
    /// <summary>Runs <paramref name="studies"/> and writes report.html, report.md and results.json.</summary>
    public static ReproductionSummary Run(IReadOnlyList<StudyEntry> studies, OutputFolder folder, RunInfo run,
                                          double scale, IProgress<ProgressUpdate> progress)
    {
        if (!(scale > 0) || double.IsInfinity(scale))
            throw new NeuroLensException($"--scale {scale}: expected a positive number (1 is the default size).");
        var timings = new Timings();
        var report = new Report("NeuroLens — reproduction of the four studies");
        var env = EnvironmentInfo.Current();
        report.Paragraph("Each section runs one paper's central experiment on built-in data at laptop scale. " +
                         $"Seed {run.Seed}, scale {scale}, {env.Threads} threads on {env.Device}.");
        report.Summary(
        [
            new("NeuroLens", env.NeuroLens), new(".NET", env.DotNet), new("TorchSharp", env.TorchSharp),
            new("libtorch", env.LibTorch), new("OS", env.Os), new("cores", env.Cores),
            new("started (UTC)", run.StartedUtc.ToString("yyyy-MM-dd HH:mm:ss")),
        ]);

        var context = new ReproductionContext(folder, run.Seed, scale, timings);
        var outcomes = new List<StudyOutcome>();
        foreach (var study in studies)
        {
            report.Heading(study.Title);
            report.Paragraph($"Paper: {study.Paper}.");
            if (study.Reproduction is null)
            {
                report.Note($"This study is not built yet (issue #{study.Issue}); its experiment will appear here once it is.");
                outcomes.Add(new StudyOutcome(study.Name, study.Title, "not_built", 0, study.Issue, null, null));
                continue;
            }
            var clock = Stopwatch.StartNew();
            try
            {
                object results;
                using (timings.Measure(study.Name))
                    results = study.Reproduction.Run(context, report, progress);
                outcomes.Add(new StudyOutcome(study.Name, study.Title, "done", clock.Elapsed.TotalSeconds, null, null, results));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One study's failure must not cost the others their results: report it and go on.
                string message = e is NeuroLensException ? e.Message : $"{e.GetType().Name}: {e.Message.Split('\n')[0]}";
                report.Warning($"The study failed: {message}");
                outcomes.Add(new StudyOutcome(study.Name, study.Title, "failed", clock.Elapsed.TotalSeconds, null, message, null));
            }
        }

        var written = folder.WriteReport(report);
        string html = written.First(p => p.EndsWith(".html", StringComparison.Ordinal));
        var summary = new ReproductionSummary(html, outcomes);
        folder.WriteResults(run, timings, summary);
        return summary;
    }
}
