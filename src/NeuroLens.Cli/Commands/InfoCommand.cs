using System.CommandLine;
using NeuroLens.Core.Runtime;
using Spectre.Console;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens info</c>: versions, threads, device and SIMD width of this installation.</summary>
internal static class InfoCommand
{
    private static void Row(Table table, string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));

    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var command = new Command("info", "Versions (NeuroLens, .NET, TorchSharp, libtorch), threads, device and SIMD width.");
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var info = EnvironmentInfo.Current();
            if (ctx.Json)
            {
                ctx.WriteJson(info);
                return ExitCodes.Success;
            }
            var table = new Table().Border(TableBorder.Simple).HideHeaders().AddColumns("", "");
            Row(table, "NeuroLens", info.NeuroLens);
            Row(table, ".NET", info.DotNet);
            Row(table, "OS", info.Os);
            Row(table, "TorchSharp", info.TorchSharp);
            Row(table, "libtorch", info.LibTorch);
            Row(table, "cores", info.Cores.ToString());
            Row(table, "threads", $"{info.Threads} intra-op, {info.InteropThreads} inter-op");
            Row(table, "device", info.Device + (info.CudaAvailable ? " (CUDA available)" : " (no CUDA)"));
            table.AddRow("SIMD", $"{info.SimdWidthBits}-bit vectors; {string.Join(", ", info.SimdInstructionSets)}");
            ctx.Console.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }
}
