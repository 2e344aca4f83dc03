using System.CommandLine;
using NeuroLens.Core.Reports;
using NeuroLens.Models.Text;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens corpus make</c>: the built-in concept corpus (or the user's text) with its tokenizer.</summary>
internal static class CorpusCommand
{
    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var command = new Command("corpus", "Text corpora for small-LM training and the Emergence study.");
        command.Subcommands.Add(MakeCommand(context));
        return command;
    }

    private static Command MakeCommand(Func<ParseResult, CommandContext> context)
    {
        var sentences = new Option<long?>("--sentences") { Description = "Generate this many sentences (train + validation).", HelpName = "N" };
        var megabytes = new Option<double?>("--megabytes") { Description = "Generate about this many megabytes (10^6 bytes) of text.", HelpName = "M" };
        var validation = new Option<double>("--validation-fraction")
            { Description = "Share of paragraphs (or line blocks of --from files) put in validation.txt, in [0, 0.5].", DefaultValueFactory = _ => 0.05, HelpName = "F" };
        var from = new Option<string[]>("--from")
            { Description = "Use these UTF-8 text files instead of generating (split into train/validation by blocks of 20 lines).", HelpName = "FILE", AllowMultipleArgumentsPerToken = true };
        var vocab = new Option<int>("--tokenizer-vocab")
            { Description = "Vocabulary size of the byte-level BPE tokenizer trained on train.txt (256 bytes and <|endoftext|> included).", DefaultValueFactory = _ => 4096, HelpName = "N" };
        var command = new Command("make",
            "Writes train.txt, validation.txt, categories.tsv and a byte-level BPE tokenizer (tokenizer.json + HF files) trained on train.txt. " +
            "Generated text fills varied sentence templates with the built-in concept categories (one paragraph per line).")
            { sentences, megabytes, validation, from, vocab };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var files = parse.GetValue(from) ?? [];
            long? n = parse.GetValue(sentences);
            double? mb = parse.GetValue(megabytes);
            double fraction = parse.GetValue(validation);
            int vocabSize = parse.GetValue(vocab);
            if (files.Length == 0 && n is null && mb is null) throw new UsageException("give --sentences N or --megabytes M, or --from FILE to use your own text");
            if (files.Length > 0 && (n is not null || mb is not null)) throw new UsageException("--sentences and --megabytes apply to generated text, not to --from files");
            if (n is < 1) throw new UsageException($"--sentences: expected a count ≥ 1, got {n}");
            if (mb is { } m && !(m > 0 && m <= 10_000)) throw new UsageException($"--megabytes: expected a size in (0, 10000], got {m}");
            if (!(fraction >= 0 && fraction <= 0.5)) throw new UsageException($"--validation-fraction: expected a share in [0, 0.5], got {fraction}");
            if (vocabSize is < 257 or > 1_000_000) throw new UsageException($"--tokenizer-vocab: expected a size in [257, 1000000] (the 256 bytes and <|endoftext|> at least), got {vocabSize}");
            var folder = ctx.Output;
            var options = new CorpusOptions
            {
                OutFolder = folder.Path, Sentences = n, Megabytes = mb, Seed = ctx.Seed, ValidationFraction = fraction,
                FromFiles = files, TokenizerVocab = vocabSize,
            };
            var timings = new Timings();
            CorpusSummary summary;
            using (timings.Measure("corpus"))
                summary = CorpusBuilder.Make(options);

            var table = new CsvTable("category", "words", "train", "validation", "words_seen");
            foreach (var c in summary.Categories) table.AddRow(c.Category, c.Words, c.Train, c.Validation, c.WordsSeen);
            folder.WriteTable("categories.csv", table);
            var report = new Report("Corpus");
            report.Summary(
            [
                new("source", summary.Source), new("train lines", summary.TrainLines), new("validation lines", summary.ValidationLines),
                new("sentences", summary.Sentences), new("train bytes", summary.TrainBytes), new("validation bytes", summary.ValidationBytes),
                new("tokenizer vocabulary", summary.TokenizerVocab), new("train tokens", summary.TrainTokens), new("validation tokens", summary.ValidationTokens),
                new("seed", ctx.Seed),
            ]);
            report.Table(table, "Occurrences of the built-in concept categories' words (case-insensitive whole words).", csvFileName: "categories.csv");
            folder.WriteReport(report);
            folder.WriteResults(ctx.Run(), timings, summary);
            if (ctx.Json) ctx.WriteJson(summary);
            else if (!ctx.Quiet)
            {
                ctx.Stdout.WriteLine($"train.txt {summary.TrainBytes:N0} bytes ({summary.TrainLines} lines, {summary.TrainTokens:N0} tokens), " +
                                     $"validation.txt {summary.ValidationBytes:N0} bytes ({summary.ValidationLines} lines, {summary.ValidationTokens:N0} tokens)");
                ctx.Stdout.WriteLine($"tokenizer: byte-level BPE, {summary.TokenizerVocab} tokens; categories.tsv: {summary.Categories.Count} categories");
                ctx.Stdout.WriteLine($"folder: {folder.Path}");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
