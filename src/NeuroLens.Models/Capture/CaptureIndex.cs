using System.Text.Json;
using System.Text.Json.Nodes;
using NeuroLens.Core;
using NeuroLens.Core.IO;

namespace NeuroLens.Models.Capture;

/// <summary>
/// The index of a capture folder, <c>capture.json</c>: its sites (name, kind, module, layer, width), the
/// row order, the element type (always <c>F32</c>) and the shard files with their row counts. Every
/// shard holds, for each site, a tensor named after the site of shape (rows, width), and the int64
/// tensors <c>tokens.id</c>, <c>tokens.text</c> and <c>tokens.position</c> of shape (rows); row r of a
/// shard is the same token in all of them. The index is written last, so a folder without it holds no
/// finished capture.
/// </summary>
/// <param name="ModelType">The model's <c>model_type</c>.</param>
/// <param name="Sites">The sites, in capture order.</param>
/// <param name="ShardFiles">The shard file names (inside the folder), in row order.</param>
/// <param name="ShardRows">The rows of each shard.</param>
public sealed record CaptureIndex(string ModelType, IReadOnlyList<CaptureSite> Sites, IReadOnlyList<string> ShardFiles, IReadOnlyList<long> ShardRows)
{
    /// <summary>The index file's name.</summary>
    public const string FileName = "capture.json";

    /// <summary>The value of the <c>format</c> field.</summary>
    public const string Format = "neurolens-capture";

    /// <summary>The order of rows, as stated in the index.</summary>
    public const string RowOrder = "batch-major, then position; real (unmasked) tokens only";

    /// <summary>The shard tensor of the token ids.</summary>
    public const string TokenIdTensor = "tokens.id";

    /// <summary>The shard tensor of the sequence ordinals.</summary>
    public const string TextTensor = "tokens.text";

    /// <summary>The shard tensor of the positions.</summary>
    public const string PositionTensor = "tokens.position";

    /// <summary>The total number of rows.</summary>
    public long Rows => ShardRows.Sum();

    /// <summary>Writes <c>capture.json</c> into <paramref name="folder"/> atomically.</summary>
    public void Write(string folder)
    {
        var json = new JsonObject
        {
            ["format"] = Format,
            ["version"] = 1,
            ["model_type"] = ModelType,
            ["dtype"] = "F32",
            ["row_order"] = RowOrder,
            ["rows"] = Rows,
            ["sites"] = new JsonArray(Sites.Select(s => (JsonNode)new JsonObject
            {
                ["name"] = s.Name,
                ["kind"] = CaptureSite.KindName(s.Kind),
                ["module"] = s.Module,
                ["layer"] = s.Layer,
                ["width"] = s.Width,
                ["shape"] = new JsonArray(Rows, s.Width),
            }).ToArray()),
            ["shards"] = new JsonArray(ShardFiles.Select((f, i) => (JsonNode)new JsonObject { ["file"] = f, ["rows"] = ShardRows[i] }).ToArray()),
        };
        AtomicFile.WriteAllText(Path.Combine(folder, FileName), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>Reads and checks <c>capture.json</c> of <paramref name="folder"/> (not the shards).</summary>
    /// <exception cref="NeuroLensException">The file is missing, not JSON, or a field is missing or wrong; one line naming it.</exception>
    public static CaptureIndex Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!Directory.Exists(folder)) throw new NeuroLensException($"{folder}: no such capture folder");
        if (!File.Exists(path)) throw new NeuroLensException($"{path}: missing (not a capture folder, or the capture did not finish)");
        if (new FileInfo(path).Length > 64L << 20) throw new NeuroLensException($"{path}: larger than 64 MB, not a capture index");
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new NeuroLensException($"{path}: a JSON object is expected");
        }
        catch (JsonException e)
        {
            throw new NeuroLensException($"{path}: not valid JSON: {e.Message.Split('\n')[0]}", e);
        }
        string Str(JsonObject o, string key, string where) =>
            o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new NeuroLensException($"{path}: {where}'{key}' must be a string");
        long Int(JsonObject o, string key, string where, long min)
        {
            if (o[key] is JsonValue v && v.TryGetValue<double>(out var d) && d == Math.Floor(d) && d >= min && d <= long.MaxValue / 2) return (long)d;
            throw new NeuroLensException($"{path}: {where}'{key}' must be an integer ≥ {min}");
        }
        if (Str(root, "format", "") != Format) throw new NeuroLensException($"{path}: 'format' must be '{Format}'");
        if (Int(root, "version", "", 0) != 1) throw new NeuroLensException($"{path}: unsupported 'version' (1 expected)");
        if (Str(root, "dtype", "") != "F32") throw new NeuroLensException($"{path}: 'dtype' must be 'F32'");
        var modelType = root["model_type"] is JsonValue mt && mt.TryGetValue<string>(out var m) ? m : "";
        var sites = new List<CaptureSite>();
        if (root["sites"] is not JsonArray siteArray || siteArray.Count == 0) throw new NeuroLensException($"{path}: 'sites' must be a non-empty array");
        for (int i = 0; i < siteArray.Count; i++)
        {
            string where = $"sites[{i}].";
            if (siteArray[i] is not JsonObject s) throw new NeuroLensException($"{path}: sites[{i}] must be an object");
            var name = Str(s, "name", where);
            var kind = CaptureSite.ParseKind(Str(s, "kind", where)) ?? throw new NeuroLensException($"{path}: {where}kind must be linear_input, linear_output or resid_post");
            long width = Int(s, "width", where, 1);
            if (width > int.MaxValue) throw new NeuroLensException($"{path}: {where}width is too large");
            var module = s["module"] is JsonValue mv && mv.TryGetValue<string>(out var mod) ? mod : "";
            long layer = s["layer"] is null ? -1 : Int(s, "layer", where, -1);
            if (name is CaptureIndex.TokenIdTensor or CaptureIndex.TextTensor or CaptureIndex.PositionTensor || sites.Any(x => x.Name == name))
                throw new NeuroLensException($"{path}: {where}name '{name}' is reserved or given twice");
            sites.Add(new CaptureSite(name, kind, module, (int)Math.Min(layer, int.MaxValue), (int)width));
        }
        if (root["shards"] is not JsonArray shardArray) throw new NeuroLensException($"{path}: 'shards' must be an array");
        var files = new List<string>();
        var rows = new List<long>();
        for (int i = 0; i < shardArray.Count; i++)
        {
            string where = $"shards[{i}].";
            if (shardArray[i] is not JsonObject s) throw new NeuroLensException($"{path}: shards[{i}] must be an object");
            var file = Str(s, "file", where);
            if (file.Length == 0 || file != Path.GetFileName(file) || file is "." or "..")
                throw new NeuroLensException($"{path}: {where}file '{file}' must be a file name inside the folder");
            files.Add(file);
            rows.Add(Int(s, "rows", where, 0));
        }
        var index = new CaptureIndex(modelType, sites, files, rows);
        if (root["rows"] is not null && Int(root, "rows", "", 0) != index.Rows)
            throw new NeuroLensException($"{path}: 'rows' is {Int(root, "rows", "", 0)} but the shards hold {index.Rows}");
        return index;
    }
}
