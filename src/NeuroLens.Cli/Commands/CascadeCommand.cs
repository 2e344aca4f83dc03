using System.CommandLine;
using System.Globalization;
using NeuroLens.Cascade.Analysis;
using NeuroLens.Core;
using NeuroLens.Core.Reports;
using Spectre.Console;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens cascade theory|simulate|plan</c>: closed forms, Monte Carlo validation and planning of multi-resolution cascades.</summary>
internal static class CascadeCommand
{
    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var command = new Command("cascade", "Multi-resolution cascade detectors for sparse objects: closed-form analysis, simulation, planning.");
        command.Subcommands.Add(Theory(context));
        command.Subcommands.Add(Simulate(context));
        command.Subcommands.Add(Plan(context));
        command.Subcommands.Add(CascadeRunCommand.Create(context));
        return command;
    }

    /// <summary>The JSON form of <see cref="CascadeMetrics"/>: <c>calls</c> is the per-level list, level 0 first.</summary>
    private sealed record MetricsJson(double Tpr, double Fpr, double Ppv, double F1, IReadOnlyList<double> Calls, double TotalCalls, double ExpectedTime)
    {
        public static MetricsJson From(CascadeMetrics m) => new(m.Tpr, m.Fpr, m.Ppv, m.F1, m.CallsPerLevel, m.TotalCalls, m.ExpectedTime);
    }

    private sealed record ModelJson(int Levels, int Dims, int Factor, double Prevalence, double[] Tpr, double[] Fpr, double[] Cost, long Chunks)
    {
        public static ModelJson From(CascadeModel m) => new(m.LevelCount, m.Dimensions, m.Factor, m.Prevalence,
            [.. m.Levels.Select(l => l.Tpr)], [.. m.Levels.Select(l => l.Fpr)], [.. m.Levels.Select(l => l.Cost)], m.Chunks);
    }

    /// <summary>The options that define a <see cref="CascadeModel"/> on the command line.</summary>
    private sealed class ModelOptions
    {
        public readonly Option<int> Levels = new("--levels") { Description = "L, the number of levels (level 0 = full resolution).", Required = true, HelpName = "L" };
        public readonly Option<int> Dims = new("--dims") { Description = "d, the number of spatial dimensions.", Required = true, HelpName = "D" };
        public readonly Option<int> Factor = new("--factor") { Description = "r, the downsampling factor per axis between levels.", DefaultValueFactory = _ => 2, HelpName = "R" };
        public readonly Option<double> Prevalence = new("--prevalence") { Description = "p, the fraction of level-0 chunks that are positive.", Required = true, HelpName = "P" };
        public readonly Option<string> Tpr = new("--tpr") { Description = "β per level, level 0 first: b0,b1,…", Required = true, HelpName = "LIST" };
        public readonly Option<string> Fpr = new("--fpr") { Description = "α per level, level 0 first: a0,a1,…", Required = true, HelpName = "LIST" };
        public readonly Option<string?> Cost = new("--cost") { Description = "Cost per call per level, level 0 first (default 1 each).", HelpName = "LIST" };
        public readonly Option<long> Chunks = new("--chunks") { Description = "n, the number of level-0 chunks.", DefaultValueFactory = _ => 1_000_000, HelpName = "N" };

        public IEnumerable<Option> All => [Levels, Dims, Factor, Prevalence, Tpr, Fpr, Cost, Chunks];

        public CascadeModel Bind(ParseResult parse)
        {
            int levels = parse.GetValue(Levels);
            if (levels < 1) throw new UsageException($"--levels must be at least 1, got {levels}.");
            double[] tpr = List(parse.GetValue(Tpr)!, "--tpr", levels);
            double[] fpr = List(parse.GetValue(Fpr)!, "--fpr", levels);
            double[] cost = parse.GetValue(Cost) is { } c ? List(c, "--cost", levels) : [.. Enumerable.Repeat(1.0, levels)];
            var model = new CascadeModel(parse.GetValue(Dims), parse.GetValue(Factor), parse.GetValue(Prevalence),
                [.. Enumerable.Range(0, levels).Select(k => new CascadeLevel(tpr[k], fpr[k], cost[k]))], parse.GetValue(Chunks));
            try
            {
                model.Validate();
            }
            catch (NeuroLensException e)
            {
                throw new UsageException(e.Message);
            }
            return model;
        }
    }

    /// <summary>Parses a comma-separated list of numbers with exactly <paramref name="count"/> entries (usage error otherwise).</summary>
    private static double[] List(string text, string option, int? count)
    {
        var values = new List<double>();
        foreach (string field in text.Split(','))
        {
            if (!double.TryParse(field.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double x) || !double.IsFinite(x))
                throw new UsageException($"{option} '{text}': '{field.Trim()}' is not a number; expected a comma-separated list, level 0 first.");
            values.Add(x);
        }
        if (count is int n && values.Count != n)
            throw new UsageException($"{option} '{text}': {values.Count} values for {n} levels; give exactly one per level, level 0 first.");
        return [.. values];
    }

    private static Command Theory(Func<ParseResult, CommandContext> context)
    {
        var model = new ModelOptions();
        var command = new Command("theory", "Closed-form TPR, FPR, PPV, F1, expected calls per level and time of an L-level cascade, next to the single-level detector.");
        foreach (var option in model.All) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var timings = new Timings();
            var m = model.Bind(parse);
            CascadeComparison comparison;
            double breakEven;
            using (timings.Measure("analyze"))
            {
                comparison = CascadeAnalysis.Analyze(m);
                breakEven = CascadeAnalysis.BreakEvenPrevalence(m);
            }
            var summary = new
            {
                Model = ModelJson.From(m),
                Cascade = MetricsJson.From(comparison.Cascade),
                SingleLevel = MetricsJson.From(comparison.SingleLevel),
                comparison.CallRatio,
                comparison.TimeRatio,
                BreakEvenPrevalence = breakEven,
            };
            var calls = new CsvTable("level", "cascade_calls", "single_level_calls");
            for (int k = 0; k < m.LevelCount; k++) calls.AddRow(k, comparison.Cascade.CallsPerLevel[k], comparison.SingleLevel.CallsPerLevel[k]);
            ctx.Output.WriteTable("calls.csv", calls);
            ctx.Output.WriteResults(ctx.Run(), timings, summary);
            if (ctx.Json)
            {
                ctx.WriteJson(summary);
                return ExitCodes.Success;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumns("", "cascade", "single level");
            void Row(string name, double a, double b) => table.AddRow(name, Number(a), Number(b));
            Row("TPR", comparison.Cascade.Tpr, comparison.SingleLevel.Tpr);
            Row("FPR", comparison.Cascade.Fpr, comparison.SingleLevel.Fpr);
            Row("PPV", comparison.Cascade.Ppv, comparison.SingleLevel.Ppv);
            Row("F1", comparison.Cascade.F1, comparison.SingleLevel.F1);
            for (int k = 0; k < m.LevelCount; k++) Row($"calls level {k}", comparison.Cascade.CallsPerLevel[k], comparison.SingleLevel.CallsPerLevel[k]);
            Row("calls total", comparison.Cascade.TotalCalls, comparison.SingleLevel.TotalCalls);
            Row("expected time", comparison.Cascade.ExpectedTime, comparison.SingleLevel.ExpectedTime);
            ctx.Console.Write(table);
            ctx.Stdout.WriteLine($"call ratio {Number(comparison.CallRatio)}, time ratio {Number(comparison.TimeRatio)}, " +
                                 $"break-even prevalence {(double.IsNaN(breakEven) ? "none in (0, 1)" : Number(breakEven))}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Simulate(Func<ParseResult, CommandContext> context)
    {
        var model = new ModelOptions();
        var trees = new Option<long>("--trees") { Description = "Number of simulated top-level chunks (trees).", DefaultValueFactory = _ => 100_000, HelpName = "N" };
        var confidence = new Option<double>("--confidence") { Description = "Nominal coverage of each interval.", DefaultValueFactory = _ => 0.99 };
        var command = new Command("simulate", "Monte Carlo of the Bernoulli model on chunk trees: the same quantities with confidence intervals, next to the closed forms.")
            { trees, confidence };
        foreach (var option in model.All) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var timings = new Timings();
            var m = model.Bind(parse);
            long n = parse.GetValue(trees);
            double level = parse.GetValue(confidence);
            if (n < 2) throw new UsageException($"--trees must be at least 2, got {n}.");
            if (!(level > 0 && level < 1)) throw new UsageException($"--confidence must be in (0, 1), got {level}.");
            CascadeSimulationResult sim;
            using (timings.Measure("simulate"))
                sim = ctx.WithProgress(progress => CascadeSimulation.Run(m, n, ctx.Seed, level, progress));
            var closed = CascadeAnalysis.Cascade(m);
            var summary = new
            {
                Model = ModelJson.From(m),
                sim.Trees,
                sim.LevelZeroChunks,
                sim.Positives,
                sim.ConfidenceLevel,
                Simulated = new { sim.Tpr, sim.Fpr, sim.Ppv, sim.F1, Calls = sim.CallsPerLevel, sim.TotalCalls, sim.ExpectedTime },
                ClosedForm = MetricsJson.From(closed),
            };
            var rows = new List<(string Name, double Closed, Estimate Simulated)>
            {
                ("TPR", closed.Tpr, sim.Tpr), ("FPR", closed.Fpr, sim.Fpr), ("PPV", closed.Ppv, sim.Ppv), ("F1", closed.F1, sim.F1),
            };
            for (int k = 0; k < m.LevelCount; k++) rows.Add(($"calls level {k}", closed.CallsPerLevel[k], sim.CallsPerLevel[k]));
            rows.Add(("calls total", closed.TotalCalls, sim.TotalCalls));
            rows.Add(("expected time", closed.ExpectedTime, sim.ExpectedTime));
            var csv = new CsvTable("quantity", "closed_form", "simulated", "lower", "upper", "inside");
            foreach (var (name, c, s) in rows) csv.AddRow(name, c, s.Value, s.Lower, s.Upper, s.Contains(c));
            ctx.Output.WriteTable("simulation.csv", csv);
            ctx.Output.WriteResults(ctx.Run(), timings, summary);
            if (ctx.Json)
            {
                ctx.WriteJson(summary);
                return ExitCodes.Success;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumns("", "closed form", "simulated", $"{level:P0} interval", "inside");
            foreach (var (name, c, s) in rows)
                table.AddRow(name, Number(c), Number(s.Value), Markup.Escape($"[{Number(s.Lower)}, {Number(s.Upper)}]"), s.Contains(c) ? "yes" : "no");
            ctx.Console.Write(table);
            ctx.Stdout.WriteLine($"{sim.Trees} trees, {sim.LevelZeroChunks} level-0 chunks, {sim.Positives} positive; intervals over trees (delta method)");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Plan(Func<ParseResult, CommandContext> context)
    {
        var roc = new Option<string>("--roc") { Description = "CSV of operating points with columns level,threshold,tpr,fpr.", Required = true, HelpName = "FILE" };
        var dims = new Option<int>("--dims") { Description = "d, the number of spatial dimensions.", Required = true, HelpName = "D" };
        var factor = new Option<int>("--factor") { Description = "r, the downsampling factor per axis between levels.", DefaultValueFactory = _ => 2, HelpName = "R" };
        var prevalence = new Option<double>("--prevalence") { Description = "p, the fraction of level-0 chunks that are positive.", Required = true, HelpName = "P" };
        var cost = new Option<string?>("--cost") { Description = "Cost per call of each level in the ROC file, level 0 first (default 1 each).", HelpName = "LIST" };
        var chunks = new Option<long>("--chunks") { Description = "n, the number of level-0 chunks.", DefaultValueFactory = _ => 1_000_000, HelpName = "N" };
        var maxLevels = new Option<int>("--max-levels") { Description = "Most levels a plan may use (default: all in the ROC file)." };
        var minTpr = new Option<double?>("--min-tpr") { Description = "Fastest plan with at least this TPR." };
        var minF1 = new Option<double?>("--min-f1") { Description = "Fastest plan with at least this F1." };
        var budget = new Option<double?>("--time-budget") { Description = "Most accurate plan with expected time (Σ cost × calls) at most this." };
        var maximise = new Option<PlanAccuracy>("--maximise") { Description = "With --time-budget: the accuracy to maximise (Tpr or F1).", DefaultValueFactory = _ => PlanAccuracy.F1 };
        var command = new Command("plan", "Choose the number of levels and each level's operating point: fastest under a TPR/F1 target, or most accurate within a time budget.")
            { roc, dims, factor, prevalence, cost, chunks, maxLevels, minTpr, minF1, budget, maximise };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var timings = new Timings();
            var targets = new[] { parse.GetValue(minTpr), parse.GetValue(minF1), parse.GetValue(budget) };
            if (targets.Count(t => t is not null) != 1)
                throw new UsageException("give exactly one of --min-tpr, --min-f1 and --time-budget.");
            string rocPath = parse.GetValue(roc)!;
            var curves = RocCurveFile.Read(rocPath);
            double[] costs = parse.GetValue(cost) is { } c ? List(c, "--cost", curves.Count) : [.. Enumerable.Repeat(1.0, curves.Count)];
            var problem = new CascadePlanProblem(parse.GetValue(dims), parse.GetValue(factor), parse.GetValue(prevalence), curves, costs,
                parse.GetValue(chunks), parse.GetValue(maxLevels));
            CascadePlan? plan;
            string goal;
            using (timings.Measure("plan"))
            {
                if (targets[2] is double b)
                {
                    var accuracy = parse.GetValue(maximise);
                    goal = $"highest {accuracy.ToString().ToUpperInvariant()} with expected time ≤ {Number(b)}";
                    plan = CascadePlanner.MostAccurate(problem, accuracy, b);
                }
                else
                {
                    var accuracy = targets[0] is not null ? PlanAccuracy.Tpr : PlanAccuracy.F1;
                    double minimum = (targets[0] ?? targets[1])!.Value;
                    goal = $"least expected time with {accuracy.ToString().ToUpperInvariant()} ≥ {Number(minimum)}";
                    plan = CascadePlanner.Fastest(problem, accuracy, minimum);
                }
            }
            if (plan is null) throw new NeuroLensException($"{rocPath}: no plan of these operating points achieves the {goal}.");
            var summary = new
            {
                Roc = rocPath,
                Goal = goal,
                plan.Levels,
                OperatingPoints = plan.OperatingPoints.Select((o, k) => new { Level = k, o.Threshold, o.Tpr, o.Fpr }).ToArray(),
                Cascade = MetricsJson.From(plan.Metrics),
                SingleLevelTime = costs[0] * (double)problem.Chunks,
                plan.TimeRatio,
                plan.Evaluated,
            };
            ctx.Output.WriteResults(ctx.Run(), timings, summary);
            if (ctx.Json)
            {
                ctx.WriteJson(summary);
                return ExitCodes.Success;
            }
            ctx.Stdout.WriteLine($"{goal}: {plan.Levels} level(s)");
            var table = new Table().Border(TableBorder.Simple).AddColumns("level", "threshold", "TPR", "FPR", "expected calls");
            for (int k = 0; k < plan.Levels; k++)
            {
                var o = plan.OperatingPoints[k];
                table.AddRow(k.ToString(CultureInfo.InvariantCulture), Number(o.Threshold), Number(o.Tpr), Number(o.Fpr), Number(plan.Metrics.CallsPerLevel[k]));
            }
            ctx.Console.Write(table);
            ctx.Stdout.WriteLine($"TPR {Number(plan.Metrics.Tpr)}, FPR {Number(plan.Metrics.Fpr)}, PPV {Number(plan.Metrics.Ppv)}, F1 {Number(plan.Metrics.F1)}; " +
                                 $"expected time {Number(plan.Metrics.ExpectedTime)} ({Number(plan.TimeRatio)} of single level); {plan.Evaluated} plans evaluated");
            return ExitCodes.Success;
        });
        return command;
    }

    // Six significant digits, without exponents for call counts and times up to 1e15.
    private static string Number(double x) =>
        double.IsNaN(x) ? "NaN" : Math.Abs(x) >= 1e5 && Math.Abs(x) < 1e15 ? x.ToString("0.#", CultureInfo.InvariantCulture) : x.ToString("G6", CultureInfo.InvariantCulture);
}
