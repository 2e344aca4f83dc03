using System.CommandLine;
using System.Globalization;
using NeuroLens.Core;
using NeuroLens.Core.Reports;
using NeuroLens.Core.Statistics;
using NeuroLens.Core.TensorFiles;
using static TorchSharp.torch;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens stats mmd|wasserstein</c>: statistics on feature arrays (rows are samples or tokens).</summary>
internal static class StatsCommand
{
    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var command = new Command("stats", "Statistics on feature arrays whose rows are samples (tokens).");
        command.Subcommands.Add(MmdCommand(context));
        command.Subcommands.Add(WassersteinCommand(context));
        return command;
    }

    private static Command MmdCommand(Func<ParseResult, CommandContext> context)
    {
        var x = new Option<string>("--x") { Description = "First sample: a tensor file (.npy, or .npz/.safetensors with one tensor), n × d.", Required = true, HelpName = "FILE" };
        var y = new Option<string>("--y") { Description = "Second sample, m × d with the same d.", Required = true, HelpName = "FILE" };
        var bandwidth = new Option<string>("--bandwidth")
        {
            Description = "RBF σ of k = exp(−‖a−b‖²/(2σ²)): 'median' (2σ² = median pooled squared distance) or a number > 0.",
            DefaultValueFactory = _ => "median", HelpName = "median|VALUE",
        };
        var estimator = new Option<string>("--estimator") { Description = "unbiased (U-statistic), biased (V-statistic) or linear (linear-time).", DefaultValueFactory = _ => "unbiased" };
        estimator.AcceptOnlyFromAmong("unbiased", "biased", "linear");
        var permutations = new Option<int>("--permutations") { Description = "Permutations of the test (0: no test, p_value null).", DefaultValueFactory = _ => 1000, HelpName = "P" };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples of the percentile interval (0: none).", DefaultValueFactory = _ => 0, HelpName = "B" };
        var level = new Option<double>("--confidence") { Description = "Coverage of the bootstrap interval.", DefaultValueFactory = _ => 0.95 };
        var budget = new Option<long>("--max-kernel-mb") { Description = "Memory for kernel values; above it the kernel is computed in tiles.", DefaultValueFactory = _ => 256, HelpName = "MB" };
        var command = new Command("mmd", "Squared maximum mean discrepancy (Gaussian RBF kernel) with a permutation test and optional bootstrap interval.")
            { x, y, bandwidth, estimator, permutations, bootstrap, level, budget };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var options = new MmdOptions
            {
                Estimator = Enum.Parse<MmdEstimator>(parse.GetValue(estimator)!, ignoreCase: true),
                Bandwidth = ParseBandwidth(parse.GetValue(bandwidth)!),
                Permutations = NonNegative(parse.GetValue(permutations), "--permutations"),
                BootstrapResamples = NonNegative(parse.GetValue(bootstrap), "--bootstrap"),
                ConfidenceLevel = parse.GetValue(level),
                Seed = ctx.Seed,
                MaxKernelBytes = Math.Max(1, parse.GetValue(budget)) << 20,
            };
            if (!(options.ConfidenceLevel > 0 && options.ConfidenceLevel < 1))
                throw new UsageException($"--confidence: expected a level strictly between 0 and 1, got {options.ConfidenceLevel}");
            string xPath = parse.GetValue(x)!, yPath = parse.GetValue(y)!;
            var timings = new Timings();
            using var scope = NewDisposeScope();
            Tensor a, b;
            using (timings.Measure("read"))
            {
                a = ReadSamples(xPath);
                b = ReadSamples(yPath);
            }
            if (a.shape[1] != b.shape[1])
                throw new NeuroLensException($"{yPath}: has {b.shape[1]} features per row but {xPath} has {a.shape[1]}; both need the same d");
            MmdResult result;
            using (timings.Measure("mmd"))
                result = Mmd.Compute(a, b, options);
            var summary = new
            {
                X = xPath,
                Y = yPath,
                result.Mmd2,
                result.Bandwidth,
                BandwidthRule = options.Bandwidth is null ? "median" : "fixed",
                result.PValue,
                result.Permutations,
                result.Lower,
                result.Upper,
                ConfidenceLevel = options.BootstrapResamples > 0 ? options.ConfidenceLevel : (double?)null,
                options.BootstrapResamples,
                Estimator = result.Estimator,
                N = result.NX,
                M = result.NY,
                Dimension = a.shape[1],
            };
            ctx.Output.WriteResults(ctx.Run(), timings, summary);
            if (ctx.Json) ctx.WriteJson(summary);
            else
            {
                ctx.Stdout.WriteLine($"MMD² ({summary.Estimator.ToString().ToLowerInvariant()}) {result.Mmd2:G6}   n {result.NX}, m {result.NY}, d {summary.Dimension}");
                ctx.Stdout.WriteLine($"bandwidth σ {result.Bandwidth:G6} ({summary.BandwidthRule})");
                ctx.Stdout.WriteLine(result.PValue is { } p ? $"p-value {p:G4} ({result.Permutations} permutations)" : "p-value: no test (--permutations 0)");
                if (result.Lower is { } lo && result.Upper is { } hi)
                    ctx.Stdout.WriteLine($"{options.ConfidenceLevel:P0} bootstrap interval [{lo:G6}, {hi:G6}] ({options.BootstrapResamples} resamples)");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command WassersteinCommand(Func<ParseResult, CommandContext> context)
    {
        var input = new Option<string>("--input") { Description = "Tokens × neurons array (.npy, or .npz/.safetensors with one tensor).", Required = true, HelpName = "FILE" };
        var output = new Option<string?>("--output") { Description = "Write the per-column WD (float64, NaN for constant columns) to this .npy file.", HelpName = "FILE" };
        var reference = new Option<string>("--reference")
        {
            Description = "quantile: q_i = Φ⁻¹((i − ½)/N); sample: one N(0,1) sample of size N drawn with --seed (the paper's protocol).",
            DefaultValueFactory = _ => "quantile",
        };
        reference.AcceptOnlyFromAmong("quantile", "sample");
        var budget = new Option<long>("--max-block-mb") { Description = "Memory for the block of columns sorted at once.", DefaultValueFactory = _ => 512, HelpName = "MB" };
        var top = new Option<int>("--top") { Description = "Columns listed in the summary, highest WD first.", DefaultValueFactory = _ => 10, HelpName = "K" };
        var command = new Command("wasserstein", "1-Wasserstein distance of every standardised column (population std) to N(0,1).")
            { input, output, reference, budget, top };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            string path = parse.GetValue(input)!;
            var options = new GaussianWassersteinOptions
            {
                Reference = parse.GetValue(reference) == "sample" ? GaussianReference.Sample : GaussianReference.Quantile,
                Seed = ctx.Seed,
                MemoryBudgetBytes = Math.Max(1, parse.GetValue(budget)) << 20,
            };
            var timings = new Timings();
            using var scope = NewDisposeScope();
            Tensor data;
            using (timings.Measure("read"))
                data = ReadSamples(path);
            if (data.shape[0] < 2)
                throw new NeuroLensException($"{path}: has {data.shape[0]} row; the Wasserstein distance of a column needs at least 2 tokens");
            GaussianWassersteinResult result;
            using (timings.Measure("wasserstein"))
                result = GaussianWasserstein.Compute(data, options);
            string? outPath = parse.GetValue(output);
            if (outPath is not null)
                TensorFile.Write(outPath, [("wasserstein", tensor(result.Distances))]);
            var valid = result.Distances.Where(v => !double.IsNaN(v)).Order().ToArray();
            int k = Math.Max(0, parse.GetValue(top));
            var summary = new
            {
                Input = path,
                Output = outPath,
                Tokens = data.shape[0],
                Neurons = data.shape[1],
                Reference = options.Reference,
                Seed = options.Reference == GaussianReference.Sample ? ctx.Seed : (int?)null,
                Mean = valid.Length > 0 ? valid.Average() : double.NaN,
                Median = valid.Length > 0 ? (valid[(valid.Length - 1) / 2] + valid[valid.Length / 2]) / 2 : double.NaN,
                Max = valid.Length > 0 ? valid[^1] : double.NaN,
                Top = Enumerable.Range(0, result.Distances.Length).Where(j => !double.IsNaN(result.Distances[j]))
                    .OrderByDescending(j => result.Distances[j]).ThenBy(j => j).Take(k)
                    .Select(j => new { Column = j, Wasserstein = result.Distances[j], Mean = result.Means[j], Std = result.StandardDeviations[j] }).ToArray(),
                result.ConstantColumns,
                result.NonFiniteColumns,
            };
            ctx.Output.WriteResults(ctx.Run(), timings, summary);
            if (ctx.Json) ctx.WriteJson(summary);
            else
            {
                ctx.Stdout.WriteLine($"WD to N(0,1) ({summary.Reference.ToString().ToLowerInvariant()}) of {summary.Neurons} columns over {summary.Tokens} tokens: mean {summary.Mean:G4}, median {summary.Median:G4}, max {summary.Max:G4}");
                foreach (var t in summary.Top) ctx.Stdout.WriteLine($"  column {t.Column}: {t.Wasserstein:G5}");
                if (result.ConstantColumns.Length + result.NonFiniteColumns.Length > 0)
                    ctx.Stdout.WriteLine($"NaN: {result.ConstantColumns.Length} constant, {result.NonFiniteColumns.Length} non-finite columns");
                if (outPath is not null) ctx.Stdout.WriteLine($"wrote {outPath}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static double? ParseBandwidth(string text)
    {
        if (text.Equals("median", StringComparison.OrdinalIgnoreCase)) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double sigma) && sigma > 0 && double.IsFinite(sigma))
            return sigma;
        throw new UsageException($"--bandwidth: expected 'median' or a number > 0, got '{text}'");
    }

    private static int NonNegative(int value, string option) =>
        value >= 0 ? value : throw new UsageException($"{option}: expected a count ≥ 0, got {value}");

    // One tensor from the file; a 1-D array is n samples of one feature.
    internal static Tensor ReadSamples(string path)
    {
        using var source = TensorFile.Open(path);
        if (source.Entries.Count != 1)
            throw new NeuroLensException($"{path}: holds {source.Entries.Count} tensors; give a file with exactly one n × d array");
        var t = source.ReadTensor(source.Entries[0].Name);
        if (t.dim() == 1) t = t.unsqueeze(1);
        if (t.dim() != 2 || t.shape[0] == 0 || t.shape[1] == 0)
            throw new NeuroLensException($"{path}: expected a non-empty n × d array (rows are samples), got shape [{string.Join(", ", t.shape)}]");
        if (t.is_complex() || t.dtype == ScalarType.Bool)
            throw new NeuroLensException($"{path}: expected real numbers, got {t.dtype}");
        return t;
    }
}
