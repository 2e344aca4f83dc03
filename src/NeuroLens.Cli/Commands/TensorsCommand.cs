using System.CommandLine;
using NeuroLens.Core.TensorFiles;
using Spectre.Console;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens tensors ls|convert</c>: inspect and convert safetensors, npy and npz files.</summary>
internal static class TensorsCommand
{
    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var command = new Command("tensors", "Inspect and convert tensor files (safetensors, sharded checkpoints, npy, npz).");
        command.Subcommands.Add(List(context));
        command.Subcommands.Add(Convert(context));
        return command;
    }

    private static Command List(Func<ParseResult, CommandContext> context)
    {
        var file = new Argument<string>("FILE") { Description = "A .safetensors, .npy or .npz file, a model.safetensors.index.json, or a checkpoint folder." };
        var command = new Command("ls", "List every tensor with its dtype, shape and size in bytes.") { file };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            string path = parse.GetValue(file)!;
            var format = TensorFile.DetectFormat(path, out _);
            using var source = TensorFile.Open(path);
            var entries = source.Entries;
            if (ctx.Json)
            {
                ctx.WriteJson(new
                {
                    File = path,
                    Format = format.ToString(),
                    Tensors = entries.Select(e => new { e.Name, Dtype = e.DType.ToString(), e.Shape, Bytes = e.ByteLength }),
                    TotalBytes = entries.Sum(e => e.ByteLength),
                    Metadata = source.Metadata,
                });
                return ExitCodes.Success;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumns("tensor", "dtype", "shape", "bytes");
            table.Columns[3].RightAligned();
            foreach (var e in entries)
                table.AddRow(Markup.Escape(e.Name), e.DType.ToString(), Markup.Escape(e.ShapeText), e.ByteLength.ToString("N0"));
            ctx.Console.Write(table);
            ctx.Stdout.WriteLine($"{entries.Count} tensors, {entries.Sum(e => e.ByteLength):N0} bytes ({format})");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Convert(Func<ParseResult, CommandContext> context)
    {
        var input = new Argument<string>("IN") { Description = "The file to read (.safetensors, .npy, .npz, index or checkpoint folder)." };
        var output = new Argument<string>("OUT") { Description = "The file to write; its extension picks the format (.safetensors, .npy, .npz)." };
        var command = new Command("convert", "Convert between safetensors, npy and npz (bit-exact).") { input, output };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            string from = parse.GetValue(input)!, to = parse.GetValue(output)!;
            int written = TensorFile.Convert(from, to);
            if (ctx.Json)
                ctx.WriteJson(new { Input = from, Output = to, Tensors = written });
            else if (!ctx.Quiet)
                ctx.Stdout.WriteLine($"{from} -> {to}: {written} tensors");
            return ExitCodes.Success;
        });
        return command;
    }
}
