using System.Text.Json;
using static TorchSharp.torch;

namespace NeuroLens.Core.Tests.Statistics;

/// <summary>Reads the reference values written by tools/make_statistics_fixtures.py (scipy/sklearn/numpy).</summary>
internal static class StatisticsFixture
{
    public static JsonElement Load(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "statistics", name);
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    public static double[] Doubles(this JsonElement element) =>
        element.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static double[][] Rows(this JsonElement element) =>
        element.EnumerateArray().Select(Doubles).ToArray();

    public static Tensor Matrix(this JsonElement element)
    {
        double[][] rows = element.Rows();
        return tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length], ScalarType.Float64);
    }

    /// <summary>Standard normal draws by Box–Muller from a seeded System.Random (test data only).</summary>
    public static double[] Normal(Random random, int count, double mean = 0.0, double sd = 1.0)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            double u = 1.0 - random.NextDouble(), v = random.NextDouble();
            values[i] = mean + sd * Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
        }
        return values;
    }
}
