using System.Text.Json;
using NeuroLens.Core.Statistics;
using NeuroLens.Core.TensorFiles;
using NeuroLens.Entanglement.Pruning;
using static TorchSharp.torch;

namespace NeuroLens.Cli.Tests;

public sealed class EntanglementCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neurolens-entangle-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, Tensor t)
    {
        string path = Path.Combine(_folder, name);
        TensorFile.Write(path, [("x", t)]);
        return path;
    }

    [Fact]
    public void StatsWassersteinWritesTheLibraryValuesAndFlagsConstantColumns()
    {
        using var generator = new Generator(3);
        using var x = randn([500, 6], generator: generator);
        x.narrow(1, 1, 1).exp_();        // log-normal: far from Gaussian
        x.narrow(1, 4, 1).fill_(2f);     // constant
        string input = Write("x.npy", x), output = Path.Combine(_folder, "wd.npy");
        var r = CliRunner.Run("stats", "wasserstein", "--input", input, "--output", output, "--json", "--top", "2", "--out", Path.Combine(_folder, "out"));
        Assert.Equal(0, r.ExitCode);
        var expected = GaussianWasserstein.Compute(x);
        using var file = TensorFile.Open(output);
        using var written = file.ReadTensor(file.Entries[0].Name);
        double[] wd = written.data<double>().ToArray();
        for (int j = 0; j < 6; j++)
            if (j == 4) Assert.True(double.IsNaN(wd[j]));
            else Assert.Equal(expected.Distances[j], wd[j]);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal("quantile", root.GetProperty("reference").GetString());
        Assert.Equal(1, root.GetProperty("top")[0].GetProperty("column").GetInt32());
        Assert.Equal(2, root.GetProperty("top").GetArrayLength());
        Assert.Equal(4, root.GetProperty("constant_columns")[0].GetInt32());

        var sample = CliRunner.Run("stats", "wasserstein", "--input", input, "--reference", "sample", "--seed", "5", "--json", "--out", Path.Combine(_folder, "out2"));
        Assert.Equal(0, sample.ExitCode);
        using var sampleDoc = JsonDocument.Parse(sample.Stdout);
        Assert.Equal(5, sampleDoc.RootElement.GetProperty("seed").GetInt32());
    }

    [Fact]
    public void StatsWassersteinRejectsASingleRow()
    {
        string input = Write("one.npy", ones(1, 3));
        var r = CliRunner.Run("stats", "wasserstein", "--input", input, "--out", Path.Combine(_folder, "o"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("at least 2 tokens", r.Stderr);
    }

    [Theory]
    [InlineData("sparsegpt", "0.5")]
    [InlineData("wanda", "2:4")]
    [InlineData("magnitude", "0.75")]
    public void PruneLayerWritesThePrunedWeightAndReportsTheError(string method, string sparsity)
    {
        using var generator = new Generator(9);
        using var w = randn([16, 32], generator: generator);
        using var x = randn([200, 32], generator: generator);
        string wPath = Write("w.npy", w), xPath = Write("x.npy", x), outPath = Path.Combine(_folder, "w_pruned.npy");
        var r = CliRunner.Run("prune-layer", "--weight", wPath, "--inputs", xPath, "--method", method, "--sparsity", sparsity, "--output", outPath, "--json", "--out", Path.Combine(_folder, "o"));
        Assert.Equal(0, r.ExitCode);
        var (expected, report) = LayerPruner.Prune(w, x, new PruningOptions { Method = Enum.Parse<PruningMethod>(method, true), Sparsity = SparsitySpec.Parse(sparsity) });
        using var _ = expected;
        using var file = TensorFile.Open(outPath);
        using var got = file.ReadTensor(file.Entries[0].Name);
        Assert.Equal(0f, (got - expected).abs().max().item<float>());
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(report.ReconstructionError, doc.RootElement.GetProperty("reconstruction_error").GetDouble(), 12);
        Assert.Equal(SparsitySpec.Parse(sparsity).Fraction, doc.RootElement.GetProperty("achieved").GetDouble(), 12);
    }

    [Fact]
    public void PruneLayerRejectsMismatchedShapesAndBadSparsity()
    {
        string wPath = Write("w.npy", ones(4, 8)), xPath = Write("x.npy", ones(10, 6));
        var r = CliRunner.Run("prune-layer", "--weight", wPath, "--inputs", xPath, "--output", Path.Combine(_folder, "p.npy"), "--out", Path.Combine(_folder, "o"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("d_in", r.Stderr);
        string x8 = Write("x8.npy", ones(10, 8));
        var bad = CliRunner.Run("prune-layer", "--weight", wPath, "--inputs", x8, "--sparsity", "3:2", "--output", Path.Combine(_folder, "p.npy"), "--out", Path.Combine(_folder, "o"));
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("N:M", bad.Stderr);
    }
}
