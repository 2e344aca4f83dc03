using System.Text.Json;

namespace NeuroLens.Cli.Tests;

public sealed class ReproduceCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neurolens-reproduce-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void WritesASelfContainedReportAndResults()
    {
        // One study by name, at a small scale (the fastest reproduction); the structure of report and
        // results is the same for every study.
        var r = CliRunner.Run("reproduce", "cascade", "--out", _folder, "--json", "--seed", "7", "--scale", "0.25");
        Assert.Equal(0, r.ExitCode);

        using var summary = JsonDocument.Parse(r.Stdout);
        var studies = summary.RootElement.GetProperty("studies").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();
        Assert.Equal(new[] { "cascade" }, studies);
        var study = summary.RootElement.GetProperty("studies")[0];
        Assert.Equal("done", study.GetProperty("status").GetString());
        Assert.Equal(3, study.GetProperty("results").GetProperty("runs").GetArrayLength());
        Assert.Contains("cascade-runs.csv", File.ReadAllText(Path.Combine(_folder, "report.md")));

        var html = File.ReadAllText(Path.Combine(_folder, "report.html"));
        Assert.Contains("Cascade", html);
        Assert.DoesNotContain("src=\"http", html);

        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder, "results.json")));
        var root = results.RootElement;
        Assert.StartsWith("neurolens.results/", root.GetProperty("schema").GetString());
        Assert.Equal(7, root.GetProperty("seed").GetInt64());
        Assert.Equal(1, root.GetProperty("results").GetProperty("studies").GetArrayLength());
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp*", SearchOption.AllDirectories));
    }

    [Fact]
    public void UnknownStudyIsAUsageError()
    {
        var r = CliRunner.Run("reproduce", "alchemy", "--out", _folder);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.ErrorLines);
    }

    [Fact]
    public void NonPositiveScaleFails()
    {
        var r = CliRunner.Run("reproduce", "--scale", "0", "--out", _folder);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--scale", Assert.Single(r.ErrorLines));
    }
}
