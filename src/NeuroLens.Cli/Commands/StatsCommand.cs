using System.CommandLine;
using System.Globalization;
using NeuroLens.Core;
using NeuroLens.Core.Reports;
using NeuroLens.Core.Statistics;
using NeuroLens.Core.TensorFiles;
using static TorchSharp.torch;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens stats mmd</c>: two-sample statistics on feature arrays (rows are samples).</summary>
internal static class StatsCommand
{
    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var command = new Command("stats", "Two-sample statistics on feature arrays whose rows are samples.");
        command.Subcommands.Add(MmdCommand(context));
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
    private static Tensor ReadSamples(string path)
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
