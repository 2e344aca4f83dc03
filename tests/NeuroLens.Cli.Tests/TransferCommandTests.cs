using System.Text.Json;

namespace NeuroLens.Cli.Tests;

public sealed class TransferCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neurolens-transfer-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly string[] Small = ["--patch", "64", "--pool-size", "6", "--validation", "4", "--test", "2", "--threads", "1"];

    // A tiny source model trained briefly on one synthetic preset; ranking and selection only need its features.
    private string Model(string preset)
    {
        string outDir = Path.Combine(_folder, preset);
        var r = CliRunner.Run("unet", "train", "--synthetic", preset, "--count", "2", "--size", "64", "--depth", "2", "--width", "4",
                              "--steps", "2", "--batch", "2", "--patch", "32", "--threads", "1", "--quiet", "--out", outDir);
        Assert.Equal(0, r.ExitCode);
        return Path.Combine(outDir, "model");
    }

    [Fact]
    public void SelectPicksNDistinctPoolPatches()
    {
        var r = CliRunner.Run(["transfer", "select", "--model", Model("mouse-sbem"), "--pool", "synthetic:mouse-sbem", "--n", "3",
                               "--strategy", "median-uncertainty", "--json", "--out", Path.Combine(_folder, "select"), .. Small]);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var selected = doc.RootElement.GetProperty("selected").EnumerateArray().Select(e => e.GetInt32()).ToList();
        Assert.Equal(3, selected.Distinct().Count());
        Assert.All(selected, i => Assert.InRange(i, 0, 5));
        Assert.Equal(6, doc.RootElement.GetProperty("scores").GetArrayLength());
    }

    [Fact]
    public void RankOrdersSourcesByMmdWithPValues()
    {
        var r = CliRunner.Run(["transfer", "rank", "--target", "synthetic:mouse-sbem",
                               "--sources", Model("mouse-sbem"), Model("worm-tem"),
                               "--source-data", "synthetic:mouse-sbem", "synthetic:worm-tem",
                               "--permutations", "19", "--json", "--out", Path.Combine(_folder, "rank"), .. Small]);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var ranking = doc.RootElement.GetProperty("ranking").EnumerateArray().ToList();
        Assert.Equal(2, ranking.Count);
        Assert.Equal([1, 2], ranking.Select(e => e.GetProperty("rank").GetInt32()));
        Assert.True(ranking[0].GetProperty("mmd2").GetDouble() <= ranking[1].GetProperty("mmd2").GetDouble());
        Assert.All(ranking, e => Assert.InRange(e.GetProperty("p_value").GetDouble(), 1.0 / 20, 1.0));
    }

    [Fact]
    public void UnknownStrategyFailsOnOneLine()
    {
        var r = CliRunner.Run(["transfer", "select", "--model", Path.Combine(_folder, "none"), "--pool", "synthetic:mouse-sbem", "--n", "2",
                               "--strategy", "psychic", "--out", Path.Combine(_folder, "x")]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Single(r.ErrorLines);
    }
}
