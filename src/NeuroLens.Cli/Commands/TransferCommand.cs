using System.CommandLine;
using NeuroLens.Core.Reports;
using NeuroLens.Core.Statistics;
using NeuroLens.Imaging.Metrics;
using NeuroLens.Imaging.Unet;
using NeuroLens.Transfer;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens transfer rank|select|finetune|study</c>: MMD source selection, source-free active learning, fine-tuning.</summary>
internal static class TransferCommand
{
    private const string DataHelp = "synthetic:PRESET, a CREMI .h5 file, or IMAGE,LABELS (TIFF stacks, PNG folders, ...)";

    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var command = new Command("transfer", "Choose and adapt pretrained EM segmentation models: MMD source ranking, active selection, fine-tuning.");
        command.Subcommands.Add(Rank(context));
        command.Subcommands.Add(Select(context));
        command.Subcommands.Add(FineTune(context));
        command.Subcommands.Add(Study(context));
        return command;
    }

    // Patch layout of every data argument (TransferDomain.Load).
    private sealed class SizeOptions
    {
        public readonly Option<int> Patch = new("--patch") { Description = "Patch size (pixels per side).", DefaultValueFactory = _ => 128 };
        public readonly Option<int> Pool = new("--pool-size") { Description = "Pool (training) patches per domain.", DefaultValueFactory = _ => 16 };
        public readonly Option<int> Validation = new("--validation") { Description = "Validation patches per domain.", DefaultValueFactory = _ => 8 };
        public readonly Option<int> Test = new("--test") { Description = "Held-out test patches per domain.", DefaultValueFactory = _ => 4 };
        public IEnumerable<Option> All => [Patch, Pool, Validation, Test];
        public DomainSizes Get(ParseResult parse) => new()
        {
            PatchSize = parse.GetValue(Patch), Train = parse.GetValue(Pool), Validation = parse.GetValue(Validation), Test = parse.GetValue(Test),
        };
    }

    private static Option<int> CropOption() => new("--crop")
    {
        Description = "Training crop size (pixels per side; at most --patch).", DefaultValueFactory = _ => 64,
    };

    private static Option<string> StrategyOption() => new("--strategy")
    {
        Description = $"Selection strategy: {string.Join(", ", SelectionStrategies.All.Select(SelectionStrategies.Name))}.",
        DefaultValueFactory = _ => "median-uncertainty",
    };

    private static Command Rank(Func<ParseResult, CommandContext> context)
    {
        var target = new Option<string>("--target") { Description = $"Target data: {DataHelp}.", Required = true };
        var sources = new Option<string[]>("--sources") { Description = "Source model folders (unet train output).", Required = true, AllowMultipleArgumentsPerToken = true };
        var sourceData = new Option<string[]>("--source-data") { Description = "Each source's training data, in order (its validation patches are the source sample).", Required = true, AllowMultipleArgumentsPerToken = true };
        var permutations = new Option<int>("--permutations") { Description = "Permutations of each MMD² test.", DefaultValueFactory = _ => 1000 };
        var sizes = new SizeOptions();
        var command = new Command("rank", "MMD² of each source model's features on the target against its own source patches; smallest first.")
            { target, sources, sourceData, permutations };
        foreach (var o in sizes.All) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var timings = new Timings();
            IReadOnlyList<SourceScore> ranking;
            using (timings.Measure("rank"))
                ranking = TransferTasks.Rank(parse.GetValue(target)!, parse.GetValue(sources)!, parse.GetValue(sourceData)!, sizes.Get(parse),
                    new MmdOptions { Permutations = parse.GetValue(permutations), Seed = ctx.Seed }, ctx.Seed);
            var table = new CsvTable("rank", "source", "mmd2", "p_value", "bandwidth");
            foreach (var s in ranking) table.AddRow(s.Rank, s.Source, s.Mmd.Mmd2, s.Mmd.PValue, s.Mmd.Bandwidth);
            var folder = ctx.Output;
            folder.WriteTable("ranking.csv", table);
            var summary = new { Target = parse.GetValue(target), Ranking = ranking.Select(s => new { s.Rank, s.Source, s.Mmd.Mmd2, s.Mmd.PValue, s.Mmd.Bandwidth }), Chosen = ranking[0].Source };
            folder.WriteResults(ctx.Run(), timings, summary);
            if (ctx.Json) ctx.WriteJson(summary);
            else if (!ctx.Quiet) ctx.Stdout.Write(table.ToCsv());
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Select(Func<ParseResult, CommandContext> context)
    {
        var model = new Option<string>("--model") { Description = "The pretrained source model folder.", Required = true };
        var pool = new Option<string>("--pool") { Description = $"Unlabelled target data: {DataHelp}.", Required = true };
        var n = new Option<int>("--n") { Description = "Patches to annotate.", Required = true };
        var strategy = StrategyOption();
        var rounds = new Option<int>("--rounds") { Description = "Query rounds (1: one-shot).", DefaultValueFactory = _ => 1 };
        var sizes = new SizeOptions();
        var command = new Command("select", "Source-free active learning: which n pool patches to annotate.") { model, pool, n, strategy, rounds };
        foreach (var o in sizes.All) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var timings = new Timings();
            SelectionResult result;
            using (timings.Measure("select"))
                result = TransferTasks.Select(parse.GetValue(model)!, parse.GetValue(pool)!, parse.GetValue(n), SelectionStrategies.Parse(parse.GetValue(strategy)!),
                    new SelectionOptions { Rounds = parse.GetValue(rounds), Seed = ctx.Seed }, sizes.Get(parse), ctx.Seed);
            var table = new CsvTable("patch", "uncertainty_bits", "selected_order");
            for (int i = 0; i < result.Scores.Count; i++)
            {
                int order = result.Selected.ToList().IndexOf(i);
                table.AddRow(i, result.Scores[i], order < 0 ? null : order + 1);
            }
            ctx.Output.WriteTable("selection.csv", table);
            ctx.Output.WriteResults(ctx.Run(), timings, result);
            if (ctx.Json) ctx.WriteJson(result);
            else if (!ctx.Quiet) ctx.Stdout.WriteLine($"{result.Strategy}: patches {string.Join(' ', result.Selected)}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command FineTune(Func<ParseResult, CommandContext> context)
    {
        var model = new Option<string>("--model") { Description = "The pretrained source model folder.", Required = true };
        var sourceData = new Option<string>("--source-data") { Description = "The model's training data (extraction is tuned on its validation patches).", Required = true };
        var target = new Option<string>("--target") { Description = $"Target data: {DataHelp}.", Required = true };
        var counts = new Option<int[]>("--n") { Description = "Annotated patch counts.", DefaultValueFactory = _ => [1, 2, 4, 8], AllowMultipleArgumentsPerToken = true };
        var seeds = new Option<int>("--seeds") { Description = "Seeds per n.", DefaultValueFactory = _ => 3 };
        var steps = new Option<int>("--steps") { Description = "Training steps of each run (pretrained and scratch alike).", DefaultValueFactory = _ => 80 };
        var ignore = new Option<IgnoreZero>("--ignore") { Description = "VI convention for label 0: None, InTruth (CREMI) or InBoth.", DefaultValueFactory = _ => IgnoreZero.InTruth };
        var strategy = StrategyOption();
        var crop = CropOption();
        var sizes = new SizeOptions();
        var command = new Command("finetune", "Fine-tune a pretrained model against scratch on n selected target patches; VI on held-out patches.")
            { model, sourceData, target, counts, seeds, steps, ignore, strategy, crop };
        foreach (var o in sizes.All) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var timings = new Timings();
            IReadOnlyList<FineTuneRun> runs;
            using (timings.Measure("finetune"))
                runs = ctx.WithProgress(progress => TransferTasks.FineTune(parse.GetValue(model)!, parse.GetValue(sourceData)!, parse.GetValue(target)!,
                    parse.GetValue(counts)!, parse.GetValue(seeds), SelectionStrategies.Parse(parse.GetValue(strategy)!),
                    new TrainingBudget { Steps = parse.GetValue(steps), CropSize = parse.GetValue(crop) }, sizes.Get(parse), parse.GetValue(ignore), ctx.Seed, progress));
            var table = new CsvTable("arm", "n", "seed", "split", "merge", "vi", "selected");
            foreach (var r in runs) table.AddRow(r.Arm, r.N, r.Seed, r.Split, r.Merge, r.Vi, string.Join(' ', r.Selected));
            ctx.Output.WriteTable("runs.csv", table);
            var summary = runs.GroupBy(r => (r.Arm, r.N)).Select(g => new { g.Key.Arm, g.Key.N, Split = g.Average(r => r.Split), Merge = g.Average(r => r.Merge), Vi = g.Average(r => r.Vi) }).ToList();
            ctx.Output.WriteResults(ctx.Run(), timings, new { Runs = runs, Summary = summary });
            if (ctx.Json) ctx.WriteJson(summary);
            else if (!ctx.Quiet)
                foreach (var s in summary) ctx.Stdout.WriteLine($"{s.Arm,-10} n={s.N,-3} VI {s.Vi:F3} bits (split {s.Split:F3}, merge {s.Merge:F3})");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Study(Func<ParseResult, CommandContext> context)
    {
        var domains = new Option<string[]>("--domains") { Description = $"Three or more domains: {DataHelp}.", Required = true, AllowMultipleArgumentsPerToken = true };
        var sourceSteps = new Option<int>("--source-steps") { Description = "Training steps of each source model.", DefaultValueFactory = _ => 400 };
        var steps = new Option<int>("--steps") { Description = "Steps of each fine-tuning and scratch run.", DefaultValueFactory = _ => 80 };
        var seeds = new Option<int>("--seeds") { Description = "Seeds of the chosen/worst/scratch comparison.", DefaultValueFactory = _ => 3 };
        var counts = new Option<int[]>("--n") { Description = "Annotated patch counts.", DefaultValueFactory = _ => [1, 2, 4, 8], AllowMultipleArgumentsPerToken = true };
        var permutations = new Option<int>("--permutations") { Description = "Permutations of the MMD² and Mantel tests.", DefaultValueFactory = _ => 200 };
        var crop = CropOption();
        var sizes = new SizeOptions();
        var command = new Command("study", "The full protocol: source models, MMD² matrix, transfer matrix, fine-tuning with every strategy; writes a report.")
            { domains, sourceSteps, steps, seeds, counts, permutations, crop };
        foreach (var o in sizes.All) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var timings = new Timings();
            var options = new TransferStudyOptions
            {
                SourceTraining = new TrainingBudget { Steps = parse.GetValue(sourceSteps), CropSize = parse.GetValue(crop) },
                FineTuning = new TrainingBudget { Steps = parse.GetValue(steps), CropSize = parse.GetValue(crop) },
                Seeds = parse.GetValue(seeds),
                Counts = parse.GetValue(counts)!,
                Permutations = parse.GetValue(permutations),
                Seed = ctx.Seed,
            };
            var folder = ctx.Output;
            var report = new Report("Transfer study");
            object summary;
            using (timings.Measure("study"))
                summary = ctx.WithProgress(progress => TransferTasks.Study(parse.GetValue(domains)!, sizes.Get(parse), options, folder, report, progress));
            folder.WriteReport(report);
            folder.WriteResults(ctx.Run(), timings, summary);
            if (ctx.Json) ctx.WriteJson(summary);
            else if (!ctx.Quiet) ctx.Stdout.WriteLine($"report: {folder.GetPath("report.html")}");
            return ExitCodes.Success;
        });
        return command;
    }
}
