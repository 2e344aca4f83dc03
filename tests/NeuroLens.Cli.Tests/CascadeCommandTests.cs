using System.Text.Json;

namespace NeuroLens.Cli.Tests;

public sealed class CascadeCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neurolens-cascade-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Out(string name) => Path.Combine(_folder, name);

    [Fact]
    public void TheoryJsonHasTheTwoLevelClosedForms()
    {
        // c = 4, p = 0.1: FPR = α0[β1(1 − 0.9³) + α1·0.9³]; calls = n·π1 at level 0 and n/4 at level 1.
        var r = CliRunner.Run("cascade", "theory", "--levels", "2", "--dims", "2", "--prevalence", "0.1",
            "--tpr", "0.9,0.8", "--fpr", "0.05,0.1", "--cost", "1,0.5", "--chunks", "1000", "--json", "--out", Out("t"));
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var cascade = doc.RootElement.GetProperty("cascade");
        Assert.Equal(0.72, cascade.GetProperty("tpr").GetDouble(), 12);
        Assert.Equal(0.05 * (0.8 * 0.271 + 0.1 * 0.729), cascade.GetProperty("fpr").GetDouble(), 12);
        double pi1 = 0.8 * 0.3439 + 0.1 * 0.6561;
        var calls = cascade.GetProperty("calls").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(1000 * pi1, calls[0], 9);
        Assert.Equal(250, calls[1], 9);
        Assert.True(cascade.TryGetProperty("ppv", out _) && cascade.TryGetProperty("f1", out _));
        var single = doc.RootElement.GetProperty("single_level");
        Assert.Equal(0.9, single.GetProperty("tpr").GetDouble());
        Assert.Equal([1000.0, 0.0], single.GetProperty("calls").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal((0.5 * 250 + 1000 * pi1) / 1000, doc.RootElement.GetProperty("time_ratio").GetDouble(), 12);
        Assert.True(doc.RootElement.TryGetProperty("break_even_prevalence", out _));
        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(Out("t"), "results.json")));
        Assert.Equal(0.72, results.RootElement.GetProperty("results").GetProperty("cascade").GetProperty("tpr").GetDouble(), 12);
    }

    [Fact]
    public void TheoryPrintsATableWithBothDetectors()
    {
        var r = CliRunner.Run("cascade", "theory", "--levels", "3", "--dims", "3", "--prevalence", "0.001",
            "--tpr", "0.95,0.9,0.9", "--fpr", "0.02,0.1,0.2", "--out", Out("h"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("single level", r.Stdout);
        Assert.Contains("calls level 2", r.Stdout);
        Assert.Contains("break-even prevalence", r.Stdout);
    }

    [Theory]
    [InlineData("--tpr", "0.9,0.8,0.7")]
    [InlineData("--fpr", "0.1")]
    [InlineData("--cost", "1,x")]
    public void ListsWithTheWrongCountOrBadNumbersAreUsageErrors(string option, string value)
    {
        var args = new List<string> { "cascade", "theory", "--levels", "2", "--dims", "2", "--prevalence", "0.1", "--tpr", "0.9,0.8", "--fpr", "0.05,0.1", "--out", Out("u") };
        int at = args.IndexOf(option);
        if (at >= 0) args[at + 1] = value;
        else args.AddRange([option, value]);
        var r = CliRunner.Run([.. args]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(option, Assert.Single(r.ErrorLines));
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void OutOfRangeRatesAreUsageErrors()
    {
        var r = CliRunner.Run("cascade", "theory", "--levels", "2", "--dims", "2", "--prevalence", "0.1", "--tpr", "0.9,1.5", "--fpr", "0.05,0.1", "--out", Out("v"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("level 1 TPR", Assert.Single(r.ErrorLines));
    }

    [Fact]
    public void SimulateBracketsTheClosedFormAndIsSeeded()
    {
        string[] args = ["cascade", "simulate", "--levels", "2", "--dims", "2", "--prevalence", "0.05",
            "--tpr", "0.9,0.9", "--fpr", "0.05,0.2", "--trees", "20000", "--json", "--seed", "3"];
        var a = CliRunner.Run([.. args, "--out", Out("s1")]);
        var b = CliRunner.Run([.. args, "--out", Out("s2")]);
        Assert.Equal(0, a.ExitCode);
        Assert.Equal(a.Stdout, b.Stdout);
        using var doc = JsonDocument.Parse(a.Stdout);
        var fpr = doc.RootElement.GetProperty("simulated").GetProperty("fpr");
        double closed = doc.RootElement.GetProperty("closed_form").GetProperty("fpr").GetDouble();
        Assert.InRange(closed, fpr.GetProperty("lower").GetDouble(), fpr.GetProperty("upper").GetDouble());
        Assert.Equal(2, doc.RootElement.GetProperty("simulated").GetProperty("calls").GetArrayLength());
        Assert.True(File.Exists(Path.Combine(Out("s1"), "simulation.csv")));
    }

    [Fact]
    public void PlanFindsTheFastestPlanAndRejectsAmbiguousGoals()
    {
        string roc = Path.Combine(_folder, "roc.csv");
        File.WriteAllText(roc, "level,threshold,tpr,fpr\n0,0.5,0.99,0.05\n0,0.7,0.9,0.01\n1,0.2,1.0,0.5\n1,0.5,0.98,0.2\n1,0.8,0.8,0.05\n");
        var r = CliRunner.Run("cascade", "plan", "--roc", roc, "--dims", "2", "--prevalence", "0.01", "--min-tpr", "0.95", "--json", "--out", Out("p"));
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(2, doc.RootElement.GetProperty("levels").GetInt32());
        Assert.Equal([0.5, 0.5], doc.RootElement.GetProperty("operating_points").EnumerateArray().Select(e => e.GetProperty("threshold").GetDouble()));

        var both = CliRunner.Run("cascade", "plan", "--roc", roc, "--dims", "2", "--prevalence", "0.01", "--min-tpr", "0.9", "--min-f1", "0.5", "--out", Out("q"));
        Assert.Equal(2, both.ExitCode);
        var none = CliRunner.Run("cascade", "plan", "--roc", roc, "--dims", "2", "--prevalence", "0.01", "--min-tpr", "0.999", "--out", Out("q"));
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("no plan", Assert.Single(none.ErrorLines));
        var costs = CliRunner.Run("cascade", "plan", "--roc", roc, "--dims", "2", "--prevalence", "0.01", "--min-tpr", "0.9", "--cost", "1,1,1", "--out", Out("q"));
        Assert.Equal(2, costs.ExitCode);
    }
}
