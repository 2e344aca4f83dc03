using System.Text.Json;
using NeuroLens.Core.TensorFiles;
using NeuroLens.Models.GptNeoX;
using NeuroLens.Models.Text;
using NeuroLens.Models.Tokenizers;
using static TorchSharp.torch;

namespace NeuroLens.Cli.Tests;

public sealed class EmergenceCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neurolens-emergence-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void SaeTrainWritesASaeLensFolderAndEvalReadsItBack()
    {
        var acts = Path.Combine(_folder, "acts.npy");
        using (var x = randn([3000, 12], generator: new Generator(1)).add(4))
            TensorFile.Write(acts, [("x", x)]);
        var output = Path.Combine(_folder, "train");
        var r = CliRunner.Run("sae", "train", "--activations", acts, "--latents", "48", "--k", "4", "--tokens", "30000", "--batch-size", "128", "--threads", "1", "--json", "--out", output);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        double fvu = doc.RootElement.GetProperty("quality").GetProperty("fvu").GetDouble();
        Assert.InRange(fvu, 0, 1);
        foreach (var name in new[] { "sae/cfg.json", "sae/sae_weights.safetensors", "quality.csv", "results.json", "report.md" })
            Assert.True(File.Exists(Path.Combine(output, name)), name);

        var e = CliRunner.Run("sae", "eval", Path.Combine(output, "sae"), "--activations", acts, "--threads", "1", "--json", "--out", Path.Combine(_folder, "eval"));
        Assert.True(e.ExitCode == 0, e.Stderr);
        using var evalDoc = JsonDocument.Parse(e.Stdout);
        Assert.Equal(3000, evalDoc.RootElement.GetProperty("tokens").GetInt64());
        Assert.InRange(evalDoc.RootElement.GetProperty("l0").GetDouble(), 0, 4);

        var bad = CliRunner.Run("sae", "train", "--activations", acts, "--architecture", "gated", "--out", Path.Combine(_folder, "bad"));
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("--architecture", bad.Stderr);
    }

    [Fact]
    public void ModelSaeConceptScoresAndEmergeRunOnATinyModel()
    {
        var generator = new CorpusGenerator(2);
        var texts = Enumerable.Range(0, 80).Select(_ => generator.NextSentence()).ToList();
        var data = Path.Combine(_folder, "text.txt");
        File.WriteAllLines(data, texts);
        var bpe = BpeTrainer.TrainTexts(texts, 400, [BpeTrainer.EndOfText]);
        var run = Path.Combine(_folder, "run");
        foreach (int step in new[] { 0, 8 })
        {
            manual_seed(step);
            using var model = new GptNeoXModel(new GptNeoXConfig(bpe.VocabSize, 16, 2, 2, 32, MaxPositionEmbeddings: 64));
            var folder = Path.Combine(run, "checkpoints", $"step{step}");
            model.Save(folder);
            TokenizerJson.WriteFolder(bpe, folder, BpeTrainer.EndOfText, 64);
        }
        var last = Path.Combine(run, "checkpoints", "step8");

        var sae = Path.Combine(_folder, "sae-run");
        var t = CliRunner.Run("sae", "train", "--model", last, "--site", "resid_post.1", "--data", data, "--latents", "32", "--k", "4", "--epochs", "2", "--batch-size", "64", "--threads", "1", "--json", "--out", sae);
        Assert.True(t.ExitCode == 0, t.Stderr);
        using (var doc = JsonDocument.Parse(t.Stdout))
            Assert.InRange(doc.RootElement.GetProperty("quality").GetProperty("ce_loss_recovered").GetDouble(), -10, 2);

        var c = CliRunner.Run("concepts", "score", "--sae", Path.Combine(sae, "sae"), "--model", last, "--data", data, "--permutations", "5", "--threads", "1", "--json", "--out", Path.Combine(_folder, "scores"));
        Assert.True(c.ExitCode == 0, c.Stderr);
        using (var doc = JsonDocument.Parse(c.Stdout))
            Assert.Equal(ConceptCategories.BuiltIn.Categories.Count, doc.RootElement.GetArrayLength());

        var grid = Path.Combine(_folder, "grid");
        var g = CliRunner.Run("emerge", "--models", run, "--data", data, "--max-tokens", "500", "--expansion", "2", "--k", "4", "--epochs", "1",
            "--permutations", "3", "--threads", "1", "--json", "--out", grid);
        Assert.True(g.ExitCode == 0, g.Stderr);
        using (var doc = JsonDocument.Parse(g.Stdout))
            Assert.Equal(4, doc.RootElement.GetProperty("cells").GetInt32());
        foreach (var name in new[] { "emergence.csv", "quality.csv", "scores.csv", "report.md", "results.json", "time-run-layer0.png" })
            Assert.True(File.Exists(Path.Combine(grid, name)), name);
        Assert.False(File.Exists(Path.Combine(grid, "seeds.csv")));

        // A second SAE seed on the same folder trains only the new seed of each cell and reports the agreement.
        var g2 = CliRunner.Run("emerge", "--models", run, "--data", data, "--max-tokens", "500", "--expansion", "2", "--k", "4", "--epochs", "1",
            "--permutations", "3", "--sae-seeds", "2", "--threads", "1", "--json", "--out", grid);
        Assert.True(g2.ExitCode == 0, g2.Stderr);
        using (var doc = JsonDocument.Parse(g2.Stdout))
        {
            Assert.Equal(4, doc.RootElement.GetProperty("cells").GetInt32());
            Assert.Equal(4, doc.RootElement.GetProperty("cells_run").GetInt32());
            Assert.Equal(2, doc.RootElement.GetProperty("seed_agreement").GetProperty("seeds").GetInt32());
        }
        var seedLines = File.ReadAllLines(Path.Combine(grid, "seeds.csv"));
        Assert.StartsWith("model,step,layer,category,seed,sae_seed,score", seedLines[0]);
        Assert.Equal(4 * 2 * ConceptCategories.BuiltIn.Categories.Count, seedLines.Count(l => l.Length > 0) - 1);
        Assert.Contains("agrees across the 2 SAE seeds", File.ReadAllText(Path.Combine(grid, "report.md")));

        var bad = CliRunner.Run("emerge", "--models", run, "--sae-seeds", "0", "--out", Path.Combine(_folder, "bad-grid"));
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("--sae-seeds", bad.Stderr);
    }
}
