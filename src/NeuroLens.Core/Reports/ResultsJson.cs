using NeuroLens.Core.IO;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuroLens.Core.Reports;

/// <summary>
/// Writes <c>results.json</c>: the machine-readable record of one command run.
/// </summary>
/// <remarks>
/// <para>
/// Members, always in this order: <c>schema</c> (<see cref="Schema"/>), <c>command</c>,
/// <c>command_line</c> (array of strings), <c>seed</c>, <c>threads</c>, <c>device</c>,
/// <c>versions</c> (<c>neurolens</c>, <c>dotnet</c>, <c>torchsharp</c>, <c>libtorch</c>; the last two
/// may be null), <c>started_utc</c> (ISO 8601 round-trip format), <c>timings</c> (phase name to
/// seconds, in the order the phases were first recorded) and <c>results</c> (the command's own
/// summary object, or null).
/// </para>
/// <para>
/// The results object is serialised with <see cref="SerializerOptions"/>: property names in
/// snake_case in declaration order, enums as snake_case strings, dictionary keys unchanged (use a
/// sorted or ordered dictionary where key order matters). JSON has no NaN or infinity, so a
/// non-finite <see cref="double"/> or <see cref="float"/> is written as <c>null</c> (and read back as
/// NaN): a reader in any language sees "no number" rather than a parse error or a string in a
/// numeric column. Output is indented with <c>\n</c> line endings, UTF-8 without BOM.
/// </para>
/// </remarks>
public static class ResultsJson
{
    /// <summary>The schema version written to the <c>schema</c> member.</summary>
    public const string Schema = "neurolens.results/1";

    /// <summary>The conventional file name of the results document.</summary>
    public const string FileName = "results.json";

    /// <summary>The options used for the <c>results</c> member (and for <c>--json</c> output).</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = CreateOptions();

    /// <summary>Serialises a command's summary object alone, as printed by <c>--json</c>.</summary>
    /// <param name="results">The summary object, or null.</param>
    /// <returns>Indented JSON text.</returns>
    public static string SerializeResults(object? results) =>
        results is null ? "null" : JsonSerializer.Serialize(results, results.GetType(), SerializerOptions);

    /// <summary>Builds the complete <c>results.json</c> document.</summary>
    /// <param name="run">How the command was run.</param>
    /// <param name="timings">Durations of the command's phases.</param>
    /// <param name="results">The command's own summary object, or null.</param>
    /// <returns>Indented JSON text ending in a newline.</returns>
    public static string Serialize(RunInfo run, Timings timings, object? results)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(timings);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions
               {
                   Indented = true,
                   NewLine = "\n",
                   Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
               }))
        {
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            w.WriteString("command", run.Command);
            w.WriteStartArray("command_line");
            foreach (string arg in run.CommandLine)
                w.WriteStringValue(arg);
            w.WriteEndArray();
            w.WriteNumber("seed", run.Seed);
            w.WriteNumber("threads", run.Threads);
            w.WriteString("device", run.Device);
            w.WriteStartObject("versions");
            w.WriteString("neurolens", run.Versions.NeuroLens);
            w.WriteString("dotnet", run.Versions.Dotnet);
            WriteStringOrNull(w, "torchsharp", run.Versions.TorchSharp);
            WriteStringOrNull(w, "libtorch", run.Versions.LibTorch);
            w.WriteEndObject();
            w.WriteString("started_utc", run.StartedUtc.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
            w.WriteStartObject("timings");
            foreach (var (phase, seconds) in timings.Phases)
                w.WriteNumber(phase, seconds);
            w.WriteEndObject();
            w.WritePropertyName("results");
            if (results is null)
                w.WriteNullValue();
            else
                JsonSerializer.Serialize(w, results, results.GetType(), SerializerOptions);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Writes the document built by <see cref="Serialize"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="path">Target file, conventionally <c>OUT/results.json</c>.</param>
    /// <param name="run">How the command was run.</param>
    /// <param name="timings">Durations of the command's phases.</param>
    /// <param name="results">The command's own summary object, or null.</param>
    public static void Write(string path, RunInfo run, Timings timings, object? results) =>
        AtomicFile.WriteAllText(path, Serialize(run, timings, results));

    private static void WriteStringOrNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
            w.WriteNull(name);
        else
            w.WriteString(name, value);
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            WriteIndented = true,
            NewLine = "\n",
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new NonFiniteDoubleAsNull());
        options.Converters.Add(new NonFiniteSingleAsNull());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed class NonFiniteDoubleAsNull : JsonConverter<double>
    {
        public override bool HandleNull => true;

        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value))
                writer.WriteNumberValue(value);
            else
                writer.WriteNullValue();
        }
    }

    private sealed class NonFiniteSingleAsNull : JsonConverter<float>
    {
        public override bool HandleNull => true;

        public override float Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? float.NaN : reader.GetSingle();

        public override void Write(Utf8JsonWriter writer, float value, JsonSerializerOptions options)
        {
            if (float.IsFinite(value))
                writer.WriteNumberValue(value);
            else
                writer.WriteNullValue();
        }
    }
}
