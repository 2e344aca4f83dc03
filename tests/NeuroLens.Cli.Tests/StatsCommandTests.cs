using System.Text.Json;
using NeuroLens.Core.Statistics;
using NeuroLens.Core.TensorFiles;
using static TorchSharp.torch;

namespace NeuroLens.Cli.Tests;

public sealed class StatsCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neurolens-stats-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Samples(string name, int rows, int columns, double shift, int seed)
    {
        using var generator = new Generator((ulong)seed);
        using var t = randn([rows, columns], ScalarType.Float32, generator: generator).add_(shift);
        string path = Path.Combine(_folder, name);
        TensorFile.Write(path, [("samples", t)]);
        return path;
    }

    [Fact]
    public void MmdJsonHasTheEstimateBandwidthAndPValueAndWritesResults()
    {
        string a = Samples("a.npy", 30, 4, 0.0, 1), b = Samples("b.npy", 25, 4, 3.0, 2);
        string output = Path.Combine(_folder, "out");
        var r = CliRunner.Run("stats", "mmd", "--x", a, "--y", b, "--permutations", "99", "--bootstrap", "50", "--json", "--out", output);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;

        // The same numbers as the library on the same float32 data.
        using var fileA = TensorFile.Open(a);
        using var fileB = TensorFile.Open(b);
        using var x = fileA.ReadTensor("a");
        using var y = fileB.ReadTensor("b");
        var expected = Mmd.Compute(x, y, new MmdOptions { Permutations = 99, BootstrapResamples = 50 });
        Assert.Equal(expected.Mmd2, root.GetProperty("mmd2").GetDouble(), 12);
        Assert.Equal(Mmd.MedianHeuristicBandwidth(x, y), root.GetProperty("bandwidth").GetDouble(), 12);
        Assert.Equal(0.01, root.GetProperty("p_value").GetDouble(), 12); // 1/(1 + 99): an obvious shift
        Assert.Equal(99, root.GetProperty("permutations").GetInt32());
        Assert.Equal("median", root.GetProperty("bandwidth_rule").GetString());
        Assert.Equal("unbiased", root.GetProperty("estimator").GetString());
        Assert.True(root.GetProperty("lower").GetDouble() < root.GetProperty("upper").GetDouble());
        Assert.Equal((30, 25, 4), (root.GetProperty("n").GetInt32(), root.GetProperty("m").GetInt32(), root.GetProperty("dimension").GetInt32()));

        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
        Assert.Equal(root.GetProperty("mmd2").GetDouble(), results.RootElement.GetProperty("results").GetProperty("mmd2").GetDouble());
    }

    [Fact]
    public void WithoutPermutationsThePValueIsNullAndAFixedBandwidthIsUsed()
    {
        string a = Samples("a.npy", 12, 2, 0.0, 3), b = Samples("b.npy", 12, 2, 0.0, 4);
        var r = CliRunner.Run("stats", "mmd", "--x", a, "--y", b, "--permutations", "0", "--bandwidth", "0.75",
                              "--estimator", "biased", "--json", "--out", Path.Combine(_folder, "o"));
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("p_value").ValueKind);
        Assert.Equal(0.75, doc.RootElement.GetProperty("bandwidth").GetDouble());
        Assert.Equal("biased", doc.RootElement.GetProperty("estimator").GetString());
        Assert.True(doc.RootElement.GetProperty("mmd2").GetDouble() > 0); // a V-statistic
    }

    [Fact]
    public void HumanOutputNamesTheFigures()
    {
        string a = Samples("a.npy", 10, 2, 0.0, 5), b = Samples("b.npy", 10, 2, 0.0, 6);
        var r = CliRunner.Run("stats", "mmd", "--x", a, "--y", b, "--permutations", "19", "--estimator", "linear", "--out", Path.Combine(_folder, "h"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("MMD² (linear)", r.Stdout);
        Assert.Contains("bandwidth σ", r.Stdout);
        Assert.Contains("(19 permutations)", r.Stdout);
    }

    [Fact]
    public void BadArgumentsAreOneLineErrors()
    {
        string a = Samples("a.npy", 10, 2, 0.0, 7), wide = Samples("w.npy", 10, 3, 0.0, 8);
        var bandwidth = CliRunner.Run("stats", "mmd", "--x", a, "--y", a, "--bandwidth", "wide");
        Assert.Equal(2, bandwidth.ExitCode);
        Assert.Contains("--bandwidth", Assert.Single(bandwidth.ErrorLines));
        var mismatch = CliRunner.Run("stats", "mmd", "--x", a, "--y", wide, "--out", Path.Combine(_folder, "m"));
        Assert.Equal(1, mismatch.ExitCode);
        Assert.Contains("same d", Assert.Single(mismatch.ErrorLines));
        var missing = CliRunner.Run("stats", "mmd", "--x", Path.Combine(_folder, "nope.npy"), "--y", a, "--out", Path.Combine(_folder, "n"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("nope.npy", Assert.Single(missing.ErrorLines));
        Assert.Equal(2, CliRunner.Run("stats", "mmd", "--x", a).ExitCode); // --y is required
    }
}
