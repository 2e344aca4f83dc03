using System.Text.Json;
using NeuroLens.Models.Language;

namespace NeuroLens.Cli.Tests;

public sealed class LmTrainCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neurolens-lm-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // A small repetitive English-like text: two files, so the corpus is a folder of documents.
    private string Corpus()
    {
        string folder = Path.Combine(_folder, "corpus");
        Directory.CreateDirectory(folder);
        string[] animals = ["cat", "dog", "horse", "sheep", "goat", "mouse"], colours = ["red", "green", "blue", "black", "white"];
        for (int f = 0; f < 2; f++)
        {
            var lines = new List<string>();
            for (int i = 0; i < 300; i++)
                lines.Add($"The {colours[(i + f) % colours.Length]} {animals[(3 * i + f) % animals.Length]} sat near the old barn.");
            File.WriteAllLines(Path.Combine(folder, $"doc{f}.txt"), lines);
        }
        return folder;
    }

    [Fact]
    public void TrainWritesCheckpointsTokenizerResultsAndReport()
    {
        string output = Path.Combine(_folder, "run");
        var r = CliRunner.Run("lm", "train", "--corpus", Corpus(), "--preset", "tiny", "--steps", "6", "--batch-size", "2", "--context", "16",
            "--vocab-size", "300", "--warmup", "2", "--checkpoint-every", "5", "--validation-windows", "4", "--threads", "1", "--json", "--out", output);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("completed").GetBoolean());
        Assert.True(root.GetProperty("tokenizer_trained").GetBoolean());
        Assert.Equal(300, root.GetProperty("vocab_size").GetInt32());
        Assert.Equal(6, root.GetProperty("loss_curve").GetArrayLength());
        var steps = root.GetProperty("checkpoints").EnumerateArray().Select(c => c.GetProperty("step").GetInt32()).ToArray();
        Assert.Equal([0, 1, 2, 4, 5, 6], steps);
        foreach (int s in steps)
            foreach (var f in new[] { "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json" })
                Assert.True(File.Exists(Path.Combine(output, "checkpoints", $"step{s}", f)), $"step{s}/{f}");
        using (var model = LanguageModels.Load(Path.Combine(output, "checkpoints", "step6")))
        {
            Assert.Equal("gpt_neox", model.ModelType);
            Assert.Equal(64, model.HiddenSize);
            Assert.Equal(16, model.MaxPositions);
        }
        foreach (var f in new[] { "results.json", "report.html", "report.md", "loss.csv", "validation.csv", "loss.png", "validation.png", "tokenizer/tokenizer.json" })
            Assert.True(File.Exists(Path.Combine(output, f)), f);
        Assert.Equal(7, File.ReadAllLines(Path.Combine(output, "validation.csv")).Length);

        // A second run into the same folder is refused unless it resumes; resuming a finished run changes nothing.
        var again = CliRunner.Run("lm", "train", "--corpus", Corpus(), "--steps", "6", "--out", output);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("--resume", again.Stderr);
    }

    [Fact]
    public void StopAfterThenResumeFinishesTheRun()
    {
        string output = Path.Combine(_folder, "run");
        string[] common = ["lm", "train", "--corpus", Corpus(), "--steps", "5", "--batch-size", "2", "--context", "16", "--vocab-size", "280",
            "--warmup", "1", "--validation-windows", "2", "--threads", "1", "--out", output];
        var first = CliRunner.Run([.. common, "--stop-after", "3"]);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("stopped at step 3", first.Stdout);
        Assert.Contains("step 2/5", first.Stderr); // the checkpoint log line
        var second = CliRunner.Run([.. common, "--resume", "--json"]);
        Assert.True(second.ExitCode == 0, second.Stderr);
        using var doc = JsonDocument.Parse(second.Stdout);
        Assert.Equal(3, doc.RootElement.GetProperty("start_step").GetInt32());
        Assert.True(doc.RootElement.GetProperty("completed").GetBoolean());
        Assert.False(doc.RootElement.GetProperty("tokenizer_trained").GetBoolean());
        Assert.True(File.Exists(Path.Combine(output, "checkpoints", "step5", "model.safetensors")));
    }
}
