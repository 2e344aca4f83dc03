using System.CommandLine;
using NeuroLens.Core.Reproduction;
using Spectre.Console;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens reproduce [study]</c>: the main job, every study's central experiment in one report.</summary>
internal static class ReproduceCommand
{
    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var names = StudyCatalog.All.Select(s => s.Name).Prepend("all").ToArray();
        var study = new Argument<string>("study")
        {
            Description = $"Which study to reproduce: {string.Join(", ", names)}.",
            DefaultValueFactory = _ => "all",
        };
        study.AcceptOnlyFromAmong(names);
        var scale = new Option<double>("--scale")
        {
            Description = "Size multiplier: 1 is the default laptop scale (minutes on 2 cores); larger grows data and models.",
            DefaultValueFactory = _ => 1.0,
        };
        var command = new Command("reproduce", "Reproduce each paper's central experiment on built-in defaults; writes report.html.") { study, scale };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            string which = parse.GetValue(study)!;
            var studies = which == "all" ? StudyCatalog.All : StudyCatalog.All.Where(s => s.Name == which).ToList();
            var summary = ctx.WithProgress(progress => ReproductionRunner.Run(studies, ctx.Output, ctx.Run(), parse.GetValue(scale), progress));

            if (ctx.Json)
                ctx.WriteJson(summary);
            else
            {
                var table = new Table().Border(TableBorder.Simple).AddColumns("study", "status", "seconds");
                foreach (var s in summary.Studies)
                    table.AddRow(Markup.Escape(s.Name), Markup.Escape(s.Status switch
                    {
                        "not_built" => $"not built yet (issue #{s.Issue})",
                        "failed" => $"failed: {s.Error}",
                        _ => s.Status,
                    }), s.Seconds.ToString("F1"));
                ctx.Console.Write(table);
                ctx.Stdout.WriteLine($"report: {summary.Report}");
            }
            return summary.Studies.Any(s => s.Status == "failed") ? ExitCodes.Failure : ExitCodes.Success;
        });
        return command;
    }
}
