using System.CommandLine;
using NeuroLens.Core;
using NeuroLens.Core.Reports;
using NeuroLens.Imaging;
using NeuroLens.Imaging.IO;
using NeuroLens.Imaging.Segmentation;
using NeuroLens.Imaging.Synthetic;
using NeuroLens.Imaging.Unet;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens unet train|predict</c>: boundary-predicting U-Nets for EM segmentation.</summary>
internal static class UnetCommand
{
    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var command = new Command("unet", "Train a boundary-predicting U-Net and run it on images (tiled).");
        command.Subcommands.Add(Train(context));
        command.Subcommands.Add(Predict(context));
        return command;
    }

    private static Command Train(Func<ParseResult, CommandContext> context)
    {
        var images = new Option<string[]>("--image") { Description = "Training image (repeat for several); pairs with --labels in order.", AllowMultipleArgumentsPerToken = true };
        var labels = new Option<string[]>("--labels") { Description = "Instance labels of each --image; the target is their boundary mask.", AllowMultipleArgumentsPerToken = true };
        var synthetic = new Option<string?>("--synthetic") { Description = $"Train on generated EM of this preset instead: {string.Join(", ", EmPresets.Names)}." };
        var count = new Option<int>("--count") { Description = "Synthetic training images.", DefaultValueFactory = _ => 8 };
        var size = new Option<int>("--size") { Description = "Synthetic image size (pixels per side).", DefaultValueFactory = _ => 256 };
        var depth = new Option<int>("--depth") { Description = "U-Net depth (poolings).", DefaultValueFactory = _ => 3 };
        var width = new Option<int>("--width") { Description = "Channels of the first level (doubling per level).", DefaultValueFactory = _ => 16 };
        var steps = new Option<int>("--steps") { Description = "Training steps.", DefaultValueFactory = _ => 1000 };
        var batch = new Option<int>("--batch") { Description = "Patches per step.", DefaultValueFactory = _ => 8 };
        var patch = new Option<int>("--patch") { Description = "Patch size (pixels per side).", DefaultValueFactory = _ => 128 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-3 };
        var every = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints.", DefaultValueFactory = _ => 100 };
        var resume = new Option<bool>("--resume") { Description = "Continue from the latest checkpoint in --out." };
        var command = new Command("train", "Train a 2D U-Net (BCE + Dice, flips and rotations) to predict cell boundaries; resumable.")
            { images, labels, synthetic, count, size, depth, width, steps, batch, patch, lr, every, resume };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var timings = new Timings();
            List<UnetTrainingPair> data;
            using (timings.Measure("data"))
                data = TrainingData(parse.GetValue(images) ?? [], parse.GetValue(labels) ?? [], parse.GetValue(synthetic),
                                    parse.GetValue(count), parse.GetValue(size), ctx.Seed);
            var folder = ctx.Output;
            using var model = new UNet(new UNetConfig { Depth = parse.GetValue(depth), BaseWidth = parse.GetValue(width) }, seed: ctx.Seed);
            var options = new UnetTrainingOptions
            {
                PatchSize = [parse.GetValue(patch), parse.GetValue(patch)],
                BatchSize = parse.GetValue(batch),
                Steps = parse.GetValue(steps),
                LearningRate = parse.GetValue(lr),
                Seed = ctx.Seed,
                CheckpointDirectory = folder.GetPath("checkpoints"),
                CheckpointEvery = parse.GetValue(every),
                Resume = parse.GetValue(resume),
            };
            UnetTrainingResult result;
            using (timings.Measure("train"))
                result = ctx.WithProgress(progress => new UnetTrainer(model, options).Train(data, progress));
            string modelPath = folder.GetPath("model");
            UnetCheckpoint.SaveModel(model, modelPath);

            var table = new CsvTable("step", "loss");
            for (int i = 0; i < result.Losses.Count; i++) table.AddRow(i, result.Losses[i]);
            folder.WriteTable("loss.csv", table);
            var steps_ = Enumerable.Range(0, result.Losses.Count).Select(i => (double)i).ToList();
            folder.WriteFigure("loss.png", Plots.Lines([new PlotSeries("BCE + Dice", steps_, result.Losses)],
                new PlotOptions { Title = "U-Net training loss", XLabel = "step", YLabel = "loss" }));
            var summary = new
            {
                Model = modelPath,
                Images = data.Count,
                result.StartStep,
                result.Steps,
                FirstLoss = result.Losses.Take(10).DefaultIfEmpty(double.NaN).Average(),
                LastLoss = result.Losses.TakeLast(10).DefaultIfEmpty(double.NaN).Average(),
                Config = model.Config,
            };
            folder.WriteResults(ctx.Run(), timings, summary);
            if (ctx.Json) ctx.WriteJson(summary);
            else if (!ctx.Quiet)
                ctx.Stdout.WriteLine($"steps {summary.StartStep} → {summary.Steps}: loss {summary.FirstLoss:F3} → {summary.LastLoss:F3}; model in {modelPath}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static List<UnetTrainingPair> TrainingData(string[] images, string[] labels, string? preset, int count, int size, int seed)
    {
        if (preset is not null)
        {
            if (images.Length > 0) throw new UsageException("give either --synthetic or --image/--labels, not both.");
            var options = SyntheticData.DefaultOptions("em", preset) with { Width = size, Height = size };
            return Enumerable.Range(0, count).Select(i => SyntheticData.Generate(options, seed * 1000 + i)).Select(s =>
                new UnetTrainingPair(s.Image, LabelBoundaries.TargetOf(s.Labels))).ToList();
        }
        if (images.Length == 0) throw new UsageException("give training data: --image FILE --labels FILE (repeatable), or --synthetic PRESET.");
        if (images.Length != labels.Length) throw new UsageException($"{images.Length} --image but {labels.Length} --labels; give one label file per image.");
        return images.Zip(labels, (i, l) =>
        {
            var image = VolumeConversion.ToUnitFloat(VolumeFile.Read(i), i);
            var instances = VolumeConversion.ToLabels(VolumeFile.Read(l, new VolumeReadOptions { Dataset = "volumes/labels/neuron_ids" }), l);
            if (image.Shape.Length != instances.Shape.Length || !image.Shape.SequenceEqual(instances.Shape))
                throw new NeuroLensException($"{l}: labels [{string.Join(", ", instances.Shape)}] do not match the image {i} [{string.Join(", ", image.Shape)}].");
            return new UnetTrainingPair(image, LabelBoundaries.TargetOf(instances));
        }).ToList();
    }


    private static Command Predict(Func<ParseResult, CommandContext> context)
    {
        var modelDir = new Argument<string>("MODEL") { Description = "A model folder written by unet train (its model/ subfolder or a checkpoint)." };
        var image = new Option<string>("--image") { Description = "The image or volume to predict.", Required = true };
        var dataset = ImageCommand.DatasetOption();
        var output = new Option<string?>("--output") { Description = "Boundary probabilities, float32 (default: boundaries.tif in --out)." };
        var tile = new Option<int>("--tile") { Description = "Tile size (pixels per side).", DefaultValueFactory = _ => 256 };
        var command = new Command("predict", "Boundary probabilities of an image of any size, by overlapping tiles with smooth blending.")
            { modelDir, image, dataset, output, tile };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var timings = new Timings();
            string source = parse.GetValue(image)!;
            using var model = UnetCheckpoint.LoadModel(parse.GetValue(modelDir)!);
            var input = VolumeConversion.ToUnitFloat(VolumeFile.Read(source, new VolumeReadOptions { Dataset = parse.GetValue(dataset)! }), source);
            Volume<float> prediction;
            using (timings.Measure("predict"))
                prediction = ctx.WithProgress(progress => TiledInference.Predict(model, input,
                    new TilingOptions { TileSize = [parse.GetValue(tile), parse.GetValue(tile)] }, progress));
            string target = parse.GetValue(output) ?? ctx.Output.GetPath("boundaries.tif");
            VolumeFile.Write(target, prediction);
            var summary = new { Input = source, Output = target, Shape = prediction.Shape };
            ctx.Output.WriteResults(ctx.Run(), timings, summary);
            if (ctx.Json) ctx.WriteJson(summary);
            else if (!ctx.Quiet) ctx.Stdout.WriteLine($"{target}: boundary probabilities [{string.Join(", ", prediction.Shape)}]");
            return ExitCodes.Success;
        });
        return command;
    }
}
