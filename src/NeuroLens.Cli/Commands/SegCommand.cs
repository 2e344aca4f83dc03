using System.CommandLine;
using NeuroLens.Core.Reports;
using NeuroLens.Imaging.IO;
using NeuroLens.Imaging.Metrics;
using NeuroLens.Imaging.Segmentation;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens seg vi|watershed</c>: score segmentations and segment boundary maps.</summary>
internal static class SegCommand
{
    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var command = new Command("seg", "Segmentation: Variation of Information and adapted Rand; watershed instances from boundary maps.");
        command.Subcommands.Add(Vi(context));
        command.Subcommands.Add(WatershedCommand(context));
        return command;
    }

    private static Command Vi(Func<ParseResult, CommandContext> context)
    {
        var truth = new Option<string>("--truth") { Description = "Ground-truth labels (any volume format).", Required = true };
        var pred = new Option<string>("--pred") { Description = "The segmentation to score, same shape.", Required = true };
        var truthDataset = new Option<string>("--truth-dataset") { Description = "HDF5 dataset or npz array of the truth.", DefaultValueFactory = _ => "volumes/labels/neuron_ids" };
        var predDataset = new Option<string>("--pred-dataset") { Description = "HDF5 dataset or npz array of the segmentation.", DefaultValueFactory = _ => "volumes/labels/neuron_ids" };
        var ignore = new Option<string>("--ignore")
        {
            Description = "Zero labels left out: none (scikit-image's default), truth0 (CREMI: voxels whose truth is 0), both0 (gala: voxels with 0 in either).",
            DefaultValueFactory = _ => "none",
        };
        ignore.AcceptOnlyFromAmong("none", "truth0", "both0");
        var command = new Command("vi", "Variation of Information (split, merge, total; bits, log base 2) and adapted Rand error.")
            { truth, pred, truthDataset, predDataset, ignore };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var timings = new Timings();
            AnyVolume t, p;
            using (timings.Measure("read"))
            {
                t = VolumeFile.Read(parse.GetValue(truth)!, new VolumeReadOptions { Dataset = parse.GetValue(truthDataset)! });
                p = VolumeFile.Read(parse.GetValue(pred)!, new VolumeReadOptions { Dataset = parse.GetValue(predDataset)! });
            }
            var mode = parse.GetValue(ignore) switch { "truth0" => IgnoreZero.InTruth, "both0" => IgnoreZero.InBoth, _ => IgnoreZero.None };
            SegmentationScores scores;
            using (timings.Measure("score"))
                scores = SegmentationEvaluation.Score(p, t, mode);
            ctx.Output.WriteResults(ctx.Run(), timings, scores);
            if (ctx.Json) ctx.WriteJson(scores);
            else
            {
                ctx.Stdout.WriteLine($"split {scores.Split:F6} bits");
                ctx.Stdout.WriteLine($"merge {scores.Merge:F6} bits");
                ctx.Stdout.WriteLine($"vi    {scores.Vi:F6} bits");
                ctx.Stdout.WriteLine($"adapted Rand error {scores.AdaptedRand:F6} (precision {scores.RandPrecision:F4}, recall {scores.RandRecall:F4})");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command WatershedCommand(Func<ParseResult, CommandContext> context)
    {
        var boundaries = new Argument<string>("BOUNDARIES") { Description = "Boundary-probability map (uint8/uint16 scaled to [0, 1], or float)." };
        var dataset = ImageCommand.DatasetOption();
        var output = new Option<string?>("--output") { Description = "Where to write the labels (default: labels.tif in --out)." };
        var threshold = new Option<double>("--threshold") { Description = "Boundary probability below which voxels are interior.", DefaultValueFactory = _ => 0.5 };
        var seedDistance = new Option<int>("--seed-distance") { Description = "Minimum distance between seeds (voxels).", DefaultValueFactory = _ => 3 };
        var merge = new Option<double?>("--merge") { Description = "Merge fragments whose shared boundary has a lower mean probability." };
        var full = new Option<bool>("--full-connectivity") { Description = "8 (2D) or 26 (3D) neighbours instead of 4 or 6." };
        var command = new Command("watershed", "Instances from a boundary map: distance-transform seeds, seeded watershed, optional merging.")
            { boundaries, dataset, output, threshold, seedDistance, merge, full };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var timings = new Timings();
            string source = parse.GetValue(boundaries)!;
            var map = VolumeConversion.ToUnitFloat(VolumeFile.Read(source, new VolumeReadOptions { Dataset = parse.GetValue(dataset)! }), source);
            var options = new InstanceSegmentationOptions
            {
                Threshold = parse.GetValue(threshold),
                SeedMinDistance = parse.GetValue(seedDistance),
                MergeThreshold = parse.GetValue(merge),
                Connectivity = parse.GetValue(full) ? Connectivity.Full : Connectivity.Faces,
            };
            Imaging.Volume<uint> labels;
            using (timings.Measure("segment"))
                labels = InstanceSegmentation.FromBoundaries(map, options);
            string target = parse.GetValue(output) ?? ctx.Output.GetPath("labels.tif");
            VolumeFile.Write(target, labels);
            var summary = new { Input = source, Output = target, Segments = labels.Data.Distinct().Count(), Options = options };
            ctx.Output.WriteResults(ctx.Run(), timings, summary);
            if (ctx.Json) ctx.WriteJson(summary);
            else if (!ctx.Quiet) ctx.Stdout.WriteLine($"{target}: {summary.Segments} segments");
            return ExitCodes.Success;
        });
        return command;
    }
}
