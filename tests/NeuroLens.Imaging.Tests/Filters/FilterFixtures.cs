using System.Text.Json;

namespace NeuroLens.Imaging.Tests.Filters;

/// <summary>Reads Fixtures/filters/filters.json (scipy.ndimage outputs from tools/make_filter_fixtures.py).</summary>
internal static class FilterFixtures
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "filters", "filters.json"))));

    public static JsonElement Entry(string name) => Document.Value.RootElement.GetProperty(name);

    public static double[] Data(string name)
    {
        var data = Entry(name).GetProperty("data");
        var result = new double[data.GetArrayLength()];
        int i = 0;
        foreach (var v in data.EnumerateArray()) result[i++] = v.GetDouble();
        return result;
    }

    public static double[] Doubles(string name, string property) =>
        Entry(name).GetProperty(property).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static int[] Shape(string name) =>
        Entry(name).GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();

    /// <summary>The fixture as a float volume (2D shape [h, w] or 3D [d, h, w]).</summary>
    public static Volume<float> Volume(string name)
    {
        var shape = Shape(name);
        var data = Data(name).Select(v => (float)v).ToArray();
        return shape.Length == 2
            ? new Volume<float>(data, 1, shape[0], shape[1])
            : new Volume<float>(data, shape[0], shape[1], shape[2], 1, 3);
    }

    public static void AssertClose(double[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = Math.Abs(expected[i] - actual[i]);
            if (!(e <= worst)) { worst = e; at = i; }
        }
        Assert.True(worst <= tolerance, $"max |error| {worst:E3} at {at} (expected {(at >= 0 ? expected[at] : 0)}, got {(at >= 0 ? actual[at] : 0)}) exceeds {tolerance:E1}");
    }
}
