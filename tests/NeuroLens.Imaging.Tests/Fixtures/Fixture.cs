using System.Text.Json;

namespace NeuroLens.Imaging.Tests.Fixtures;

/// <summary>Reads the JSON reference fixtures written by tools/make_metric_fixtures.py.</summary>
internal static class Fixture
{
    public static IEnumerable<JsonElement> Cases(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "metrics", file);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToList();
    }

    public static int[] Ints(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(v => v.GetInt32()).ToArray();
    public static ulong[] ULongs(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(v => v.GetUInt64()).ToArray();
    public static double[] Doubles(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static Volume<T> Volume<T>(JsonElement e, T[] data) where T : unmanaged
    {
        var shape = Ints(e, "shape");
        return shape.Length == 2 ? new Volume<T>(data, 1, shape[0], shape[1]) : new Volume<T>(data, shape[0], shape[1], shape[2]);
    }
}
