using System.Text.Json;

namespace NeuroLens.Cli.Tests;

public sealed class CorpusCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neurolens-corpus-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void MakeGeneratesTheFolderAndSummarises()
    {
        string output = Path.Combine(_folder, "out");
        var r = CliRunner.Run("corpus", "make", "--sentences", "800", "--seed", "3", "--tokenizer-vocab", "600", "--json", "--out", output);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal("generated", root.GetProperty("source").GetString());
        Assert.Equal(800, root.GetProperty("sentences").GetInt64());
        Assert.Equal(600, root.GetProperty("tokenizer_vocab").GetInt32());
        Assert.Equal(16, root.GetProperty("categories").GetArrayLength());
        foreach (var name in new[] { "train.txt", "validation.txt", "categories.tsv", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "results.json", "report.md", "categories.csv" })
            Assert.True(File.Exists(Path.Combine(output, name)), name);
        Assert.Equal(root.GetProperty("train_bytes").GetInt64(), new FileInfo(Path.Combine(output, "train.txt")).Length);
        long animals = root.GetProperty("categories").EnumerateArray().Single(c => c.GetProperty("category").GetString() == "animals").GetProperty("train").GetInt64();
        Assert.True(animals > 50);

        // Same seed, same text.
        string again = Path.Combine(_folder, "again");
        Assert.Equal(0, CliRunner.Run("corpus", "make", "--sentences", "800", "--seed", "3", "--tokenizer-vocab", "600", "--quiet", "--out", again).ExitCode);
        Assert.Equal(File.ReadAllText(Path.Combine(output, "train.txt")), File.ReadAllText(Path.Combine(again, "train.txt")));
    }

    [Fact]
    public void MakeFromUserFiles()
    {
        string text = Path.Combine(_folder, "mine.txt");
        File.WriteAllLines(text, Enumerable.Range(0, 200).Select(i => $"Sentence {i}: the horse ate an apple near the river."));
        string output = Path.Combine(_folder, "user");
        var r = CliRunner.Run("corpus", "make", "--from", text, "--validation-fraction", "0.1", "--tokenizer-vocab", "300", "--out", output);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(20, File.ReadAllLines(Path.Combine(output, "validation.txt")).Length);
        Assert.Equal(180, File.ReadAllLines(Path.Combine(output, "train.txt")).Length);
        Assert.Contains("tokenizer: byte-level BPE", r.Stdout);
    }

    [Theory]
    [InlineData(new[] { "corpus", "make" }, "give --sentences N or --megabytes M")]
    [InlineData(new[] { "corpus", "make", "--sentences", "0" }, "--sentences: expected a count ≥ 1")]
    [InlineData(new[] { "corpus", "make", "--megabytes", "-1" }, "--megabytes: expected a size")]
    [InlineData(new[] { "corpus", "make", "--sentences", "10", "--validation-fraction", "0.9" }, "--validation-fraction: expected a share in [0, 0.5]")]
    [InlineData(new[] { "corpus", "make", "--sentences", "10", "--tokenizer-vocab", "100" }, "--tokenizer-vocab: expected a size")]
    public void UsageErrorsExitWithTwo(string[] args, string message)
    {
        var r = CliRunner.Run([.. args, "--out", Path.Combine(_folder, "x")]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
    }

    [Fact]
    public void AMissingInputFileIsAnError()
    {
        var r = CliRunner.Run("corpus", "make", "--from", Path.Combine(_folder, "nope.txt"), "--out", Path.Combine(_folder, "y"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("nope.txt: no such text file", r.Stderr);
    }
}
