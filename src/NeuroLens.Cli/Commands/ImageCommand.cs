using System.CommandLine;
using NeuroLens.Core;
using NeuroLens.Imaging;
using NeuroLens.Imaging.IO;
using NeuroLens.Core.Reports;
using NeuroLens.Imaging.Pyramids;
using NeuroLens.Imaging.Synthetic;
using Spectre.Console;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens image info|pyramid|synth</c>: inspect, convert to multiscale and generate images.</summary>
internal static class ImageCommand
{
    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var command = new Command("image", "Inspect images and volumes (PNG, JPEG, TIFF, HDF5, zarr/OME-Zarr, npy), build pyramids, generate synthetic data.");
        command.Subcommands.Add(Info(context));
        command.Subcommands.Add(PyramidCommand(context));
        command.Subcommands.Add(Synth(context));
        return command;
    }

    internal static Option<string> DatasetOption() => new("--dataset")
    {
        Description = "HDF5 dataset path (default volumes/raw, the CREMI layout) or npz array name.",
        DefaultValueFactory = _ => "volumes/raw",
    };

    private static Command Info(Func<ParseResult, CommandContext> context)
    {
        var file = new Argument<string>("FILE") { Description = "An image, TIFF stack, HDF5 file, zarr array or OME-Zarr store." };
        var dataset = DatasetOption();
        var command = new Command("info", "Shape, voxel type, voxel size and pyramid levels, without reading the voxels.") { file, dataset };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var info = VolumeFile.Describe(parse.GetValue(file)!, new VolumeReadOptions { Dataset = parse.GetValue(dataset)! });
            if (ctx.Json)
            {
                ctx.WriteJson(info);
                return ExitCodes.Success;
            }
            var table = new Table().Border(TableBorder.Simple).HideHeaders().AddColumns("", "");
            void Row(string k, string v) => table.AddRow(Markup.Escape(k), Markup.Escape(v));
            Row("format", info.Format);
            if (info.Dataset is not null) Row("dataset", info.Dataset);
            Row("voxel type", VoxelTypes.Name(info.Type));
            Row("shape", $"[{string.Join(", ", info.Shape)}]" + (info.Channels > 1 ? $" × {info.Channels} channels" : ""));
            Row("voxel size", string.Join(" × ", info.VoxelSize.Skip(info.Shape.Length == 2 ? 1 : 0)) + (info.Unit is null ? "" : $" {info.Unit}"));
            foreach (var level in info.Levels.Skip(info.Levels.Count > 1 ? 0 : 1))
                Row($"level {level.Path}", $"[{string.Join(", ", level.Shape)}]");
            ctx.Console.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command PyramidCommand(Func<ParseResult, CommandContext> context)
    {
        var input = new Argument<string>("IN") { Description = "The full-resolution image or volume." };
        var dataset = DatasetOption();
        var levels = new Option<int>("--levels") { Description = "Levels including full resolution (default: down to a 64-voxel in-plane extent)." };
        var factor = new Option<int>("--factor") { Description = "Downsampling factor between levels.", DefaultValueFactory = _ => 2 };
        var method = new Option<PyramidMethod>("--method") { Description = "Intensity downsampling: BlockMean or Gaussian.", DefaultValueFactory = _ => PyramidMethod.BlockMean };
        var labels = new Option<bool>("--labels") { Description = "The image holds labels: reduce by maximum instead of averaging." };
        var command = new Command("pyramid", "Write an OME-Zarr (NGFF 0.4) multiscale pyramid; --out names the .zarr store.")
            { input, dataset, levels, factor, method, labels };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            string source = parse.GetValue(input)!;
            string target = ctx.OutOption ?? Path.Combine("neurolens-out", "image-pyramid", Path.GetFileNameWithoutExtension(source) + ".zarr");
            var image = VolumeFile.Read(source, new VolumeReadOptions { Dataset = parse.GetValue(dataset)! });
            var shapes = PyramidExport.WriteOmeZarr(image, target, new PyramidExportOptions
            {
                Levels = parse.GetValue(levels),
                Factor = parse.GetValue(factor),
                Method = parse.GetValue(method),
                Labels = parse.GetValue(labels),
            });
            if (ctx.Json)
                ctx.WriteJson(new { Input = source, Output = target, Levels = shapes });
            else if (!ctx.Quiet)
                ctx.Stdout.WriteLine($"{target}: {shapes.Count} levels, " + string.Join(" → ", shapes.Select(s => $"[{string.Join(", ", s)}]")));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Synth(Func<ParseResult, CommandContext> context)
    {
        var kind = new Argument<string>("KIND") { Description = $"What to generate: {string.Join(", ", SyntheticData.Kinds)}." };
        kind.AcceptOnlyFromAmong([.. SyntheticData.Kinds]);
        var preset = new Option<string?>("--preset") { Description = $"EM domain preset (em, organelles): {string.Join(", ", EmPresets.Names)}." };
        var width = new Option<int>("--width") { Description = "Width in voxels.", DefaultValueFactory = _ => 256 };
        var height = new Option<int>("--height") { Description = "Height in voxels.", DefaultValueFactory = _ => 256 };
        var depth = new Option<int>("--depth") { Description = "Depth in voxels; 1 for a 2D image.", DefaultValueFactory = _ => 1 };
        var prevalence = new Option<double?>("--prevalence") { Description = "Target fraction of 32-voxel chunks holding an object (nuclei, organelles, tissue)." };
        var format = new Option<string>("--format") { Description = "File format of image and labels: tif, png, h5, zarr or npy.", DefaultValueFactory = _ => "tif" };
        format.AcceptOnlyFromAmong("tif", "png", "h5", "zarr", "npy");
        var command = new Command("synth", "Generate a synthetic microscopy image with exact ground truth into --out: image, labels, mask, results.json.")
            { kind, preset, width, height, depth, prevalence, format };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var timings = new Timings();
            var options = SyntheticData.Options(parse.GetValue(kind)!, parse.GetValue(preset), parse.GetValue(width),
                parse.GetValue(height), parse.GetValue(depth), parse.GetValue(prevalence));
            SyntheticSample sample;
            using (timings.Measure("generate"))
                sample = SyntheticData.Generate(options, ctx.Seed);
            var folder = ctx.Output;
            string ext = parse.GetValue(format)!;
            // PNG holds 8/16-bit integers only: the image goes out as 8-bit and labels as 16-bit there.
            var files = new Dictionary<string, string>
            {
                ["image"] = folder.GetPath($"image.{ext}"),
                ["labels"] = folder.GetPath($"labels.{ext}"),
                ["mask"] = folder.GetPath($"mask.{ext}"),
            };
            using (timings.Measure("write"))
            {
                if (ext == "png") VolumeFile.Write(files["image"], sample.ImageAsBytes());
                else VolumeFile.Write(files["image"], sample.Image);
                if (ext == "png") VolumeFile.Write(files["labels"], VolumeConversion.ToUInt16Labels(sample.Labels, files["labels"]));
                else VolumeFile.Write(files["labels"], sample.Labels);
                VolumeFile.Write(files["mask"], sample.Mask);
            }
            var summary = new
            {
                sample.Kind,
                Preset = parse.GetValue(preset),
                Seed = ctx.Seed,
                Shape = sample.Image.Shape,
                Channels = sample.Image.Channels,
                Objects = sample.Objects.Count,
                Labels = sample.Labels.Data.Distinct().Count(l => l != 0),
                Prevalence32 = sample.Prevalence(32),
                Files = files,
                sample.Metadata,
            };
            folder.WriteResults(ctx.Run(), timings, summary);
            if (ctx.Json) ctx.WriteJson(summary);
            else if (!ctx.Quiet)
                ctx.Stdout.WriteLine($"{sample.Kind} {string.Join("×", sample.Image.Shape)}: {summary.Objects} objects, " +
                                      $"{summary.Labels} labels, prevalence {summary.Prevalence32:F3} (32-voxel chunks) → {folder.Path}");
            return ExitCodes.Success;
        });
        return command;
    }

}
