using System.Text.Json;
using System.Text.Json.Nodes;
using NeuroLens.Core;

namespace NeuroLens.Models.Language;

/// <summary>
/// Reads the fields of a Hugging Face <c>config.json</c> for every family's configuration: each field is
/// looked up under its newest name first, then under the older names of the same field (the first one
/// present wins), and a field of the wrong JSON kind fails with one line naming the file and the field.
/// </summary>
internal static class ConfigFields
{
    /// <summary>Parses a <c>config.json</c>; one-line <see cref="NeuroLensException"/> naming the file when it is unreadable or not a JSON object.</summary>
    public static JsonObject ReadObject(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new NeuroLensException($"{path}: expected a JSON object");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NeuroLensException($"{path}: cannot read: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new NeuroLensException($"{path}: not valid JSON: {e.Message.Split('\n')[0]}", e);
        }
    }

    /// <summary>The first of <paramref name="names"/> present with a non-null value; <paramref name="name"/> is the one found (else the first).</summary>
    public static JsonNode? Field(JsonObject json, string[] names, out string name)
    {
        foreach (var n in names)
            if (json.TryGetPropertyValue(n, out var node) && node is not null)
            {
                name = n;
                return node;
            }
        name = names[0];
        return null;
    }

    /// <summary>An integer field, or null when absent.</summary>
    public static int? Int(JsonObject json, string source, params string[] names)
    {
        var node = Field(json, names, out var name);
        if (node is null) return null;
        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<int>(out int value)) return value;
        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<double>(out double d) && d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue)
            return (int)d;
        throw new NeuroLensException($"{source}: field {name} must be an integer, got {node.ToJsonString()}");
    }

    /// <summary>A number field, or null when absent.</summary>
    public static double? Number(JsonObject json, string source, params string[] names)
    {
        var node = Field(json, names, out var name);
        if (node is null) return null;
        if (node.GetValueKind() == JsonValueKind.Number) return node.GetValue<double>();
        throw new NeuroLensException($"{source}: field {name} must be a number, got {node.ToJsonString()}");
    }

    /// <summary>A string field, or null when absent.</summary>
    public static string? Text(JsonObject json, string source, params string[] names)
    {
        var node = Field(json, names, out var name);
        if (node is null) return null;
        if (node.GetValueKind() == JsonValueKind.String) return node.GetValue<string>();
        throw new NeuroLensException($"{source}: field {name} must be a string, got {node.ToJsonString()}");
    }

    /// <summary>A boolean field, or null when absent.</summary>
    public static bool? Bool(JsonObject json, string source, params string[] names)
    {
        var node = Field(json, names, out var name);
        if (node is null) return null;
        if (node.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return node.GetValue<bool>();
        throw new NeuroLensException($"{source}: field {name} must be true or false, got {node.ToJsonString()}");
    }

    /// <summary>An object field, or null when absent (or JSON null).</summary>
    public static JsonObject? Object(JsonObject json, string source, params string[] names)
    {
        var node = Field(json, names, out var name);
        if (node is null) return null;
        return node as JsonObject ?? throw new NeuroLensException($"{source}: field {name} must be an object, got {node.ToJsonString()}");
    }

    /// <summary>Fails: the required field is absent.</summary>
    public static T Missing<T>(string source, string field) =>
        throw new NeuroLensException($"{source}: field {field} is missing");

    /// <summary>
    /// Checks <c>model_type</c> (or, when it is absent, an <c>architectures</c> entry starting with
    /// <paramref name="architecturePrefix"/>) is <paramref name="expected"/>.
    /// </summary>
    public static void RequireModelType(JsonObject json, string source, string expected, string architecturePrefix)
    {
        string? modelType = ConfigFields.Text(json, source, "model_type");
        if (modelType is null)
        {
            if (!HasArchitecture(json, architecturePrefix))
                throw new NeuroLensException($"{source}: field model_type is missing (expected \"{expected}\")");
        }
        else if (modelType != expected)
            throw new NeuroLensException($"{source}: field model_type '{modelType}' is not \"{expected}\"");
    }

    /// <summary>Whether an <c>architectures</c> entry starts with <paramref name="prefix"/>.</summary>
    public static bool HasArchitecture(JsonObject json, string prefix) =>
        json["architectures"] is JsonArray a && a.Any(n => n?.GetValueKind() == JsonValueKind.String
            && n.GetValue<string>().StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Fails naming the field when a positive integer is not positive.</summary>
    public static void Positive(string source, string field, int value)
    {
        if (value <= 0) throw new NeuroLensException($"{source}: field {field} must be a positive integer, got {value}");
    }

    /// <summary>
    /// The rotary settings of a config: <c>rope_theta</c> (or an older name), refusing any
    /// <c>rope_scaling</c> (or transformers 5's <c>rope_parameters</c>) type other than <c>default</c>,
    /// whose fields then take precedence.
    /// </summary>
    public static (double? Theta, double? PartialFactor) Rope(JsonObject json, string source, params string[] thetaNames)
    {
        double? theta = Number(json, source, thetaNames);
        double? partial = null;
        foreach (var field in new[] { "rope_scaling", "rope_parameters" })
        {
            var obj = Object(json, source, field);
            if (obj is null) continue;
            string type = Text(obj, $"{source}: {field}", "rope_type", "type") ?? "default";
            if (type != "default")
                throw new NeuroLensException($"{source}: field {field} type '{type}' is not supported (only the default, unscaled rotary embedding is implemented)");
            theta = Number(obj, $"{source}: {field}", "rope_theta") ?? theta;
            partial = Number(obj, $"{source}: {field}", "partial_rotary_factor");
        }
        return (theta, partial);
    }
}
