using System.CommandLine;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens lm ...</c>: small causal language models (training).</summary>
internal static class LmCommand
{
    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var command = new Command("lm", "Small causal language models: train GPT-NeoX models from scratch with Pythia-like checkpoints.");
        command.Subcommands.Add(LmTrainCommand.Create(context));
        return command;
    }
}
