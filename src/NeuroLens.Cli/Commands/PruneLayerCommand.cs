using System.CommandLine;
using NeuroLens.Core;
using NeuroLens.Core.Reports;
using NeuroLens.Core.TensorFiles;
using NeuroLens.Entanglement.Pruning;
using static TorchSharp.torch;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens prune-layer</c>: the layer-level pruning entry point, files in and out.</summary>
internal static class PruneLayerCommand
{
    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var weight = new Option<string>("--weight") { Description = "W, d_out × d_in (as stored by PyTorch's nn.Linear).", Required = true, HelpName = "FILE" };
        var inputs = new Option<string>("--inputs") { Description = "Calibration inputs X, tokens × d_in.", Required = true, HelpName = "FILE" };
        var method = new Option<string>("--method") { Description = "magnitude, wanda or sparsegpt.", DefaultValueFactory = _ => "sparsegpt" };
        method.AcceptOnlyFromAmong("magnitude", "wanda", "sparsegpt");
        var sparsity = new Option<string>("--sparsity") { Description = "A fraction of zeros (0.5) or N:M (2:4 = 2 zeros in every 4 input columns).", DefaultValueFactory = _ => "0.5", HelpName = "S|N:M" };
        var output = new Option<string>("--output") { Description = "Where Ŵ is written (.npy, .npz or .safetensors), float32.", Required = true, HelpName = "FILE" };
        var scope = new Option<string>("--magnitude-scope") { Description = "Magnitude pruning per output row or over the whole layer.", DefaultValueFactory = _ => "row" };
        scope.AcceptOnlyFromAmong("row", "layer");
        var block = new Option<int>("--block-size") { Description = "SparseGPT columns per block.", DefaultValueFactory = _ => 128 };
        var damping = new Option<double>("--damping") { Description = "SparseGPT damping as a fraction of mean(diag H).", DefaultValueFactory = _ => 0.01 };
        var command = new Command("prune-layer", "Prune one weight matrix given its calibration inputs (magnitude, Wanda or SparseGPT); reports achieved sparsity and ‖WX − ŴX‖²/‖WX‖².")
            { weight, inputs, method, sparsity, output, scope, block, damping };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var options = new PruningOptions
            {
                Method = parse.GetValue(method) switch { "magnitude" => PruningMethod.Magnitude, "wanda" => PruningMethod.Wanda, _ => PruningMethod.SparseGpt },
                Sparsity = SparsitySpec.Parse(parse.GetValue(sparsity)!),
                MagnitudeScope = parse.GetValue(scope) == "layer" ? MagnitudeScope.PerLayer : MagnitudeScope.PerRow,
                BlockSize = parse.GetValue(block) >= 1 ? parse.GetValue(block) : throw new UsageException($"--block-size: expected ≥ 1, got {parse.GetValue(block)}"),
                Damping = parse.GetValue(damping) >= 0 ? parse.GetValue(damping) : throw new UsageException($"--damping: expected ≥ 0, got {parse.GetValue(damping)}"),
            };
            string weightPath = parse.GetValue(weight)!, inputsPath = parse.GetValue(inputs)!, outPath = parse.GetValue(output)!;
            var timings = new Timings();
            using var dispose = NewDisposeScope();
            Tensor w, x;
            using (timings.Measure("read"))
            {
                w = StatsCommand.ReadSamples(weightPath);
                x = StatsCommand.ReadSamples(inputsPath);
            }
            if (w.shape[1] != x.shape[1])
                throw new NeuroLensException($"{inputsPath}: has {x.shape[1]} features per token but {weightPath} has d_in = {w.shape[1]} columns; X must be tokens × d_in and W d_out × d_in");
            Tensor pruned;
            LayerPruningReport report;
            using (timings.Measure("prune"))
                (pruned, report) = LayerPruner.Prune(w, x, options);
            TensorFile.Write(outPath, [("weight", pruned)]);
            var summary = new
            {
                Weight = weightPath,
                Inputs = inputsPath,
                Output = outPath,
                Rows = w.shape[0],
                Columns = w.shape[1],
                report.Method,
                report.Requested,
                report.Achieved,
                report.ReconstructionError,
                report.CalibrationTokens,
                report.Damping,
                report.DampingRetries,
                report.DeadInputs,
            };
            ctx.Output.WriteResults(ctx.Run(), timings, summary);
            if (ctx.Json) ctx.WriteJson(summary);
            else
            {
                ctx.Stdout.WriteLine($"{summary.Method.ToString().ToLowerInvariant()} {report.Requested}: achieved sparsity {report.Achieved:P2}, reconstruction error {report.ReconstructionError:G4} over {report.CalibrationTokens} tokens");
                ctx.Stdout.WriteLine($"wrote {outPath}");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
