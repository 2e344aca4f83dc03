using System.Text.Json;

namespace NeuroLens.Core.TensorFiles;

/// <summary>
/// Parses and validates the JSON header of a safetensors file
/// (https://github.com/huggingface/safetensors, "Format"): an object mapping each tensor name to
/// <c>{"dtype", "shape", "data_offsets": [begin, end]}</c>, offsets relative to the data area that
/// follows the header, plus an optional <c>__metadata__</c> object of strings.
/// </summary>
internal static class SafetensorsHeader
{
    internal const string MetadataKey = "__metadata__";

    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        AllowDuplicateProperties = false,
        MaxDepth = 8,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    /// <summary>
    /// Parses the header. Every tensor must have a known dtype, non-negative integer dimensions whose
    /// product times the element size (computed with overflow checks) equals <c>end − begin</c>, and
    /// offsets inside the data area that do not overlap another tensor's. Gaps between tensors are
    /// tolerated. Entries keep the header's order.
    /// </summary>
    internal static (List<TensorEntry> Entries, Dictionary<string, string> Metadata) Parse(
        string path, ReadOnlySpan<byte> json, long dataStart, long dataLength)
    {
        // JsonDocument checks UTF-8 only when a string is read; checking up front keeps every
        // failure a TensorFileException.
        if (!System.Text.Unicode.Utf8.IsValid(json))
            throw new TensorFileException($"{path}: the safetensors header is not valid UTF-8");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new TensorFileException($"{path}: the safetensors header is not valid JSON: {FirstLine(e.Message)}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new TensorFileException($"{path}: the safetensors header must be a JSON object, found {root.ValueKind}");
            var entries = new List<TensorEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                    ReadMetadata(path, property.Value, metadata);
                else
                    entries.Add(ReadEntry(path, property.Name, property.Value, dataStart, dataLength));
            }
            CheckNoOverlap(path, entries);
            return (entries, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new TensorFileException($"{path}: {MetadataKey} must be an object of strings, found {value.ValueKind}");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new TensorFileException(
                    $"{path}: {MetadataKey} entry {TensorFileException.Quote(item.Name)} must be a string, found {item.Value.ValueKind}");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static TensorEntry ReadEntry(string path, string name, JsonElement value, long dataStart, long dataLength)
    {
        string where = $"{path}: tensor {TensorFileException.Quote(name)}";
        if (value.ValueKind != JsonValueKind.Object)
            throw new TensorFileException($"{where}: expected an object with dtype, shape and data_offsets, found {value.ValueKind}");
        JsonElement? dtypeElement = null, shapeElement = null, offsetsElement = null;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype": dtypeElement = field.Value; break;
                case "shape": shapeElement = field.Value; break;
                case "data_offsets": offsetsElement = field.Value; break;
                default: throw new TensorFileException($"{where}: unknown field {TensorFileException.Quote(field.Name)}");
            }
        }
        if (dtypeElement is not { ValueKind: JsonValueKind.String } dtypeValue)
            throw new TensorFileException($"{where}: field dtype is missing or not a string");
        var dtypeName = dtypeValue.GetString()!;
        if (!DTypeExtensions.TryParseSafetensorsName(dtypeName, out var dtype))
            throw new TensorFileException(
                $"{where}: unknown dtype {TensorFileException.Quote(dtypeName)} (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL)");
        if (shapeElement is not { ValueKind: JsonValueKind.Array } shapeValue)
            throw new TensorFileException($"{where}: field shape is missing or not an array");
        var shape = new long[shapeValue.GetArrayLength()];
        long expected = dtype.ElementSize();
        for (int i = 0; i < shape.Length; i++)
        {
            var dim = shapeValue[i];
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out shape[i]) || shape[i] < 0)
                throw new TensorFileException($"{where}: shape entry {i} ({Raw(dim)}) is not a non-negative integer");
            try
            {
                expected = checked(expected * shape[i]);
            }
            catch (OverflowException)
            {
                throw new TensorFileException($"{where}: shape [{string.Join(", ", shape[..(i + 1)])}, …] overflows a 64-bit byte count");
            }
        }
        if (offsetsElement is not { ValueKind: JsonValueKind.Array } offsets || offsets.GetArrayLength() != 2)
            throw new TensorFileException($"{where}: field data_offsets is missing or not a [begin, end] pair");
        if (!offsets[0].TryGetInteger(out long begin) || !offsets[1].TryGetInteger(out long end) || begin < 0 || end < 0)
            throw new TensorFileException($"{where}: data_offsets [{Raw(offsets[0])}, {Raw(offsets[1])}] are not non-negative integers");
        if (begin > end)
            throw new TensorFileException($"{where}: data_offsets begin {begin} is after end {end}");
        if (end > dataLength)
            throw new TensorFileException($"{where}: data_offsets [{begin}, {end}] run past the data area of {dataLength} bytes");
        if (end - begin != expected)
            throw new TensorFileException(
                $"{where}: data_offsets [{begin}, {end}] hold {end - begin} bytes but shape [{string.Join(", ", shape)}] of {dtype.SafetensorsName()} needs {expected}");
        return new TensorEntry(name, dtype, shape, expected, dataStart + begin);
    }

    private static bool TryGetInteger(this JsonElement element, out long value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value);
    }

    private static void CheckNoOverlap(string path, List<TensorEntry> entries)
    {
        var sorted = entries.Where(e => e.ByteLength > 0).OrderBy(e => e.DataOffset).ToList();
        for (int i = 1; i < sorted.Count; i++)
        {
            var previous = sorted[i - 1];
            if (sorted[i].DataOffset < previous.DataOffset + previous.ByteLength)
                throw new TensorFileException(
                    $"{path}: tensor {TensorFileException.Quote(sorted[i].Name)}: data overlaps tensor {TensorFileException.Quote(previous.Name)}");
        }
    }

    private static string Raw(JsonElement element)
    {
        var text = element.GetRawText();
        return text.Length <= 40 ? text : text[..40] + "…";
    }

    private static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
