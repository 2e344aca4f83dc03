using System.Text.Json;
using NeuroLens.Core.Reports;

namespace NeuroLens.Core.Tests.Reports;

public class ResultsJsonTests
{
    private enum Verdict { Entangled, NotEntangled }

    private sealed record Layer(string LayerName, double MeanDistance, float Worst, double? Optional, Verdict Verdict);

    private sealed record Summary(int NeuronCount, double Nan, double PlusInfinity, double[] Scores, Layer[] Layers,
        SortedDictionary<string, double> ByName);

    private static RunInfo SampleRun() => new(
        "entanglement",
        ["entanglement", "--model", "pythia 70m", "--seed", "7"],
        7, 2, "cpu",
        new DateTimeOffset(2026, 11, 25, 15, 4, 5, 123, TimeSpan.Zero),
        new ToolVersions("0.1.0+abc", ".NET 10.0.0", "0.107.0", null));

    private static Summary SampleSummary() => new(
        3, double.NaN, double.PositiveInfinity, [0.1, double.NegativeInfinity, 1e-300],
        [new Layer("gpt_neox.layers.0", 0.25, float.NaN, null, Verdict.NotEntangled)],
        new SortedDictionary<string, double>(StringComparer.Ordinal) { ["b.Key"] = 2, ["a.Key"] = double.NaN });

    [Fact]
    public void DocumentHasRequiredMembersInOrder()
    {
        var timings = new Timings();
        timings.Add("load", 0.5);
        timings.Add("score", 1.25);
        using var doc = JsonDocument.Parse(ResultsJson.Serialize(SampleRun(), timings, SampleSummary()));
        JsonElement root = doc.RootElement;

        Assert.Equal(
            ["schema", "command", "command_line", "seed", "threads", "device", "versions", "started_utc", "timings", "results"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("neurolens.results/1", root.GetProperty("schema").GetString());
        Assert.Equal("entanglement", root.GetProperty("command").GetString());
        Assert.Equal(["entanglement", "--model", "pythia 70m", "--seed", "7"],
            root.GetProperty("command_line").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(7, root.GetProperty("seed").GetInt64());
        Assert.Equal(2, root.GetProperty("threads").GetInt32());
        Assert.Equal("cpu", root.GetProperty("device").GetString());
        JsonElement versions = root.GetProperty("versions");
        Assert.Equal(["neurolens", "dotnet", "torchsharp", "libtorch"], versions.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, versions.GetProperty("libtorch").ValueKind);
        Assert.Equal("2026-11-25T15:04:05.1230000+00:00", root.GetProperty("started_utc").GetString());
        Assert.Equal(["load", "score"], root.GetProperty("timings").EnumerateObject().Select(p => p.Name));
        Assert.Equal(1.25, root.GetProperty("timings").GetProperty("score").GetDouble());
    }

    [Fact]
    public void ResultsUseSnakeCaseAndWriteNonFiniteNumbersAsNull()
    {
        using var doc = JsonDocument.Parse(ResultsJson.Serialize(SampleRun(), new Timings(), SampleSummary()));
        JsonElement results = doc.RootElement.GetProperty("results");

        Assert.Equal(["neuron_count", "nan", "plus_infinity", "scores", "layers", "by_name"],
            results.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, results.GetProperty("nan").ValueKind);
        Assert.Equal(JsonValueKind.Null, results.GetProperty("plus_infinity").ValueKind);
        JsonElement[] scores = results.GetProperty("scores").EnumerateArray().ToArray();
        Assert.Equal(0.1, scores[0].GetDouble());
        Assert.Equal(JsonValueKind.Null, scores[1].ValueKind);
        Assert.Equal(1e-300, scores[2].GetDouble());
        JsonElement layer = results.GetProperty("layers")[0];
        Assert.Equal("gpt_neox.layers.0", layer.GetProperty("layer_name").GetString());
        Assert.Equal(JsonValueKind.Null, layer.GetProperty("worst").ValueKind);
        Assert.Equal(JsonValueKind.Null, layer.GetProperty("optional").ValueKind);
        Assert.Equal("not_entangled", layer.GetProperty("verdict").GetString());
        // Dictionary keys are data, not member names: kept as written.
        Assert.Equal(["a.Key", "b.Key"], results.GetProperty("by_name").EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, results.GetProperty("by_name").GetProperty("a.Key").ValueKind);
    }

    [Fact]
    public void ResultsReadBackWithNullAsNaNAndExactDoubles()
    {
        string json = ResultsJson.SerializeResults(SampleSummary());
        Summary back = JsonSerializer.Deserialize<Summary>(json, ResultsJson.SerializerOptions)!;
        Assert.True(double.IsNaN(back.Nan));
        Assert.True(double.IsNaN(back.PlusInfinity));
        Assert.Equal(new[] { 0.1, double.NaN, 1e-300 }, back.Scores);
        Assert.True(float.IsNaN(back.Layers[0].Worst));
        Assert.Null(back.Layers[0].Optional);
        Assert.Equal(Verdict.NotEntangled, back.Layers[0].Verdict);
    }

    [Fact]
    public void SerialisationIsDeterministicWithUnixNewlines()
    {
        string a = ResultsJson.Serialize(SampleRun(), new Timings(), SampleSummary());
        string b = ResultsJson.Serialize(SampleRun(), new Timings(), SampleSummary());
        Assert.Equal(a, b);
        Assert.DoesNotContain("\r", a);
        Assert.EndsWith("}\n", a);
    }

    [Fact]
    public void NullResultsAndDetectedVersionsAreWritten()
    {
        using var dir = new TempFolder();
        var run = RunInfo.Start("reproduce", [], seed: 0, threads: 1, device: "cpu");
        string path = dir.File("results.json");
        ResultsJson.Write(path, run, new Timings(), null);

        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("results").ValueKind);
        JsonElement versions = doc.RootElement.GetProperty("versions");
        Assert.StartsWith("0.1.0", versions.GetProperty("neurolens").GetString());
        Assert.StartsWith(".NET", versions.GetProperty("dotnet").GetString());
        Assert.StartsWith("0.107.0", versions.GetProperty("torchsharp").GetString());
        // libtorch is reported when the native library loads, which it does in this test project.
        Assert.StartsWith("2.", versions.GetProperty("libtorch").GetString());
    }
}
