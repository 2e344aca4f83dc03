using System.Text.Json;
using NeuroLens.Models.BuiltIn;
using NeuroLens.Models.Language;
using static TorchSharp.torch;

namespace NeuroLens.Cli.Tests;

/// <summary>The built-in MiniLM imported once into a private cache, and two small text files.</summary>
public sealed class MiniLmFolderFixture : IDisposable
{
    public MiniLmFolderFixture()
    {
        Root = Directory.CreateTempSubdirectory("neurolens-entangle-models-").FullName;
        Folder = ModelLocator.Resolve("minilm", Path.Combine(Root, "cache"));
        string[] words = ["river", "bread", "teacher", "storm", "garden", "train", "music", "winter", "doctor", "bridge", "lantern", "harbour"];
        var random = new Random(1);
        string Sentence() => $"The {words[random.Next(words.Length)]} near the {words[random.Next(words.Length)]} was {words[random.Next(words.Length)]} again.";
        Calib = Path.Combine(Root, "calib.txt");
        Eval = Path.Combine(Root, "eval.txt");
        File.WriteAllLines(Calib, Enumerable.Range(0, 40).Select(_ => Sentence()));
        File.WriteAllLines(Eval, Enumerable.Range(0, 12).Select(_ => Sentence()));
    }

    public string Root { get; }
    public string Folder { get; }
    public string Calib { get; }
    public string Eval { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

public sealed class EntanglementModelCommandTests(MiniLmFolderFixture minilm) : IClassFixture<MiniLmFolderFixture>
{
    private string Out(string name) => Path.Combine(minilm.Root, name);

    [Fact]
    public void EntangleWritesNeuronsLayersReportAndAblations()
    {
        var r = CliRunner.Run("entangle", minilm.Folder, "--data", minilm.Calib, "--tokens", "400", "--pairs", "150", "--eval", minilm.Eval,
            "--json", "--out", Out("entangle"));
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(6, doc.RootElement.GetProperty("layers").GetArrayLength());
        Assert.Equal(3, doc.RootElement.GetProperty("ablation").GetArrayLength());
        Assert.Equal(6 * 1536 + 1, File.ReadAllLines(Path.Combine(Out("entangle"), "neurons.csv")).Length);
        Assert.True(File.Exists(Path.Combine(Out("entangle"), "report.html")));
        Assert.NotEmpty(Directory.GetFiles(Out("entangle"), "top_qq_*.png"));
    }

    [Fact]
    public void PruneSavesAnHfFolderWithTheRequestedSparsity()
    {
        string saved = Out("pruned");
        var r = CliRunner.Run("prune", minilm.Folder, "--method", "sparsegpt", "--sparsity", "0.5", "--layers", "encoder.layer.0.**",
            "--calib", minilm.Calib, "--eval", minilm.Eval, "--save", saved, "--json", "--out", Out("prune"));
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(6, doc.RootElement.GetProperty("layers").GetArrayLength()); // q, k, v, attention out, FFN in, FFN out
        double pruned = doc.RootElement.GetProperty("pruned").GetProperty("value").GetDouble();
        Assert.InRange(pruned, 0.5, 0.99999);
        using var model = LanguageModels.Load(saved);
        using var zeros = model.GetLinear("encoder.layer.0.intermediate.dense").weight!.detach().eq(0).to(ScalarType.Float64).mean();
        Assert.Equal(0.5, zeros.item<double>(), 9);
        using var dense = model.GetLinear("encoder.layer.1.intermediate.dense").weight!.detach().eq(0).to(ScalarType.Float64).mean();
        Assert.True(dense.item<double>() < 0.01);
    }

    [Fact]
    public void ExpandSavesAModelThatReloadsToTheSameEvaluation()
    {
        string saved = Out("expanded");
        var r = CliRunner.Run("expand", minilm.Folder, "--experts", "2", "--sparsity", "0.6", "--restarts", "1",
            "--calib", minilm.Calib, "--eval", minilm.Eval, "--save", saved, "--json", "--out", Out("expand"));
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        double expanded = doc.RootElement.GetProperty("expanded").GetProperty("value").GetDouble();
        Assert.Equal(12, doc.RootElement.GetProperty("layers").GetArrayLength());
        var again = CliRunner.Run("expand", saved, "--eval", minilm.Eval, "--json", "--out", Out("expand-again"));
        Assert.Equal(0, again.ExitCode);
        using var doc2 = JsonDocument.Parse(again.Stdout);
        Assert.Equal(expanded, doc2.RootElement.GetProperty("expanded").GetProperty("value").GetDouble(), 6);
        Assert.True(File.Exists(Path.Combine(saved, "expansion.safetensors")));
    }
}
