using System.Text.Json;
using System.Text.Json.Nodes;

namespace NeuroLens.Imaging.IO;

/// <summary>
/// OME-Zarr multiscale images (OME-NGFF 0.4): a zarr v2 group whose <c>.zattrs</c> holds
/// <c>multiscales</c> metadata — axes (time, channel, then 2 or 3 space axes, with units) and datasets
/// ordered from full resolution down, each with a <c>scale</c> coordinate transformation — and one
/// zarr array per level (see <see cref="ZarrArray"/>). Level 0 is full resolution. The voxel size of a
/// level is its scale along z, y, x, in the space axes' unit. One time point is read.
/// </summary>
public static class OmeZarr
{
    /// <summary>The OME-NGFF version written.</summary>
    public const string Version = "0.4";

    private sealed record Level(string Path, double[] Scale);

    private sealed record Multiscale(string[] AxisNames, int[] Axes, int Dimensions, string? Unit, List<Level> Levels);

    /// <summary>Whether the folder is a single zarr array (a <c>.zarray</c>) rather than a multiscale group.</summary>
    public static bool IsArray(string path) => File.Exists(Path.Combine(path, ".zarray"));

    /// <summary>Shape, type, unit and every level's shape and voxel size, from the metadata alone.</summary>
    public static VolumeInfo Describe(string path)
    {
        var ms = ReadMetadata(path);
        var levels = ms.Levels.Select(l =>
        {
            var array = ZarrArray.Open(Path.Combine(path, l.Path));
            CheckRank(path, ms, array);
            return (Info: new LevelInfo(l.Path, Spatial(ms, array.Shape), VoxelSize(ms, l.Scale)), array);
        }).ToList();
        var first = levels[0].array;
        int c = Array.IndexOf(ms.Axes, -1);
        return new VolumeInfo("ome-zarr", first.Type, levels[0].Info.Shape, c < 0 ? 1 : (int)first.Shape[c], levels[0].Info.VoxelSize, ms.Unit,
            levels.Select(l => l.Info).ToList(), ms.Levels[0].Path);
    }

    /// <summary>Reads one level (0 = full resolution), or only the <paramref name="region"/> of it in that
    /// level's voxel coordinates, decoding only the chunks the region touches.</summary>
    public static AnyVolume Read(string path, int level = 0, Box? region = null, long maxBytes = VolumeReadOptions.DefaultMaxBytes)
    {
        var ms = ReadMetadata(path);
        if (level < 0 || level >= ms.Levels.Count) throw new VolumeFileException(path, $"level {level} does not exist; the pyramid has levels 0–{ms.Levels.Count - 1}.");
        var array = ZarrArray.Open(Path.Combine(path, ms.Levels[level].Path));
        CheckRank(path, ms, array);
        return array.ReadVolume(ms.Axes, ms.Dimensions, region, VoxelSize(ms, ms.Levels[level].Scale), maxBytes);
    }

    /// <summary>
    /// Writes a pyramid, atomically: <paramref name="levels"/> from full resolution down become arrays
    /// <c>s0</c>, <c>s1</c>, ...; <paramref name="scaleFactors"/>[i] is level i's downsampling factor
    /// along z, y, x relative to level 0 (so the first is [1, 1, 1]), and its scale is level 0's voxel size
    /// times that factor. Axes are <c>[c,] [z,] y, x</c> (channel only when there are several), with the
    /// unit of <see cref="VolumeWriteOptions.Unit"/> when given. Chunks use '/' separators (NGFF 0.4).
    /// </summary>
    public static void Write<T>(string path, IReadOnlyList<Volume<T>> levels, IReadOnlyList<double[]> scaleFactors, VolumeWriteOptions? options = null)
        where T : unmanaged =>
        Write(path, levels.Select(AnyVolume.From).ToList(), scaleFactors, options);

    /// <summary>Writes a pyramid of run-time-typed levels; see <see cref="Write{T}"/>.</summary>
    public static void Write(string path, IReadOnlyList<AnyVolume> levels, IReadOnlyList<double[]> scaleFactors, VolumeWriteOptions? options = null)
    {
        options ??= new VolumeWriteOptions();
        CheckPyramid(path, levels, scaleFactors);
        var s0 = levels[0];
        var axes = new JsonArray();
        if (s0.Channels > 1) axes.Add(new JsonObject { ["name"] = "c", ["type"] = "channel" });
        foreach (string name in s0.Dimensions == 3 ? new[] { "z", "y", "x" } : ["y", "x"])
        {
            var axis = new JsonObject { ["name"] = name, ["type"] = "space" };
            if (options.Unit is not null) axis["unit"] = UdUnit(options.Unit);
            axes.Add(axis);
        }
        var datasets = new JsonArray();
        for (int i = 0; i < levels.Count; i++)
        {
            var scale = new JsonArray();
            if (s0.Channels > 1) scale.Add(1.0);
            for (int a = s0.Dimensions == 3 ? 0 : 1; a < 3; a++) scale.Add(s0.VoxelSize[a] * scaleFactors[i][a]);
            datasets.Add(new JsonObject
            {
                ["path"] = $"s{i}",
                ["coordinateTransformations"] = new JsonArray(new JsonObject { ["type"] = "scale", ["scale"] = scale }),
            });
        }
        var attrs = new JsonObject
        {
            ["multiscales"] = new JsonArray(new JsonObject
            {
                ["version"] = Version,
                ["name"] = Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(path)),
                ["axes"] = axes,
                ["datasets"] = datasets,
                ["metadata"] = new JsonObject { ["writer"] = "NeuroLens" },
            }),
        };
        var indented = new JsonSerializerOptions { WriteIndented = true };
        FileGuard.WriteDirectory(path, temp =>
        {
            File.WriteAllText(Path.Combine(temp, ".zgroup"), new JsonObject { ["zarr_format"] = 2 }.ToJsonString(indented));
            File.WriteAllText(Path.Combine(temp, ".zattrs"), attrs.ToJsonString(indented));
            for (int i = 0; i < levels.Count; i++)
            {
                string folder = Path.Combine(temp, $"s{i}");
                Directory.CreateDirectory(folder);
                ZarrArray.WriteArray(folder, levels[i], options, '/');
            }
        });
    }

    private static void CheckPyramid(string path, IReadOnlyList<AnyVolume> levels, IReadOnlyList<double[]> factors)
    {
        if (levels.Count == 0) throw new VolumeFileException(path, "a pyramid needs at least one level.");
        if (factors.Count != levels.Count) throw new VolumeFileException(path, $"{levels.Count} levels but {factors.Count} scale factors.");
        var s0 = levels[0];
        for (int i = 0; i < levels.Count; i++)
        {
            var l = levels[i];
            if (l.Type != s0.Type || l.Channels != s0.Channels || l.Dimensions != s0.Dimensions)
                throw new VolumeFileException(path, $"level {i} ({l}) differs in type, channels or dimensions from level 0 ({s0}).");
            double[] f = factors[i];
            if (f.Length != 3 || f.Any(x => !(x >= 1) || double.IsInfinity(x)))
                throw new VolumeFileException(path, $"scale factor of level {i} must be three finite values ≥ 1 (z, y, x).");
            if (i == 0 && f.Any(x => x != 1)) throw new VolumeFileException(path, "level 0 is full resolution: its scale factor must be [1, 1, 1].");
            if (i > 0 && f.Select((x, a) => x < factors[i - 1][a]).Any(b => b))
                throw new VolumeFileException(path, $"scale factors must not decrease from level {i - 1} to {i} (levels go from full resolution down).");
            int[] extents = [l.Depth, l.Height, l.Width], full = [s0.Depth, s0.Height, s0.Width];
            for (int a = s0.Dimensions == 3 ? 0 : 1; a < 3; a++)
                if (Math.Abs(extents[a] - full[a] / f[a]) >= 1)
                    throw new VolumeFileException(path, $"level {i} has extent {extents[a]} along {"zyx"[a]}, expected about {full[a] / f[a]:0.#} for factor {f[a]}.");
        }
    }

    private static string UdUnit(string unit) => OmeXml.Symbol(unit) switch
    {
        "µm" => "micrometer", "nm" => "nanometer", "mm" => "millimeter", "m" => "meter", "Å" => "angstrom", var u => u!,
    };

    private static void CheckRank(string path, Multiscale ms, ZarrArray array)
    {
        if (array.Shape.Length != ms.Axes.Length)
            throw new VolumeFileException(array.Path, $"array has {array.Shape.Length} dimensions, the multiscales metadata of {path} names {ms.Axes.Length} axes.");
    }

    private static int[] Spatial(Multiscale ms, long[] shape) =>
        shape.Where((_, i) => ms.Axes[i] >= 0).Select(n => (int)Math.Min(n, int.MaxValue)).ToArray();

    private static double[] VoxelSize(Multiscale ms, double[] scale)
    {
        double[] size = [1, 1, 1];
        for (int i = 0; i < ms.Axes.Length; i++)
            if (ms.Axes[i] >= 0) size[ms.Axes[i]] = scale[i];
        return size;
    }

    private static Multiscale ReadMetadata(string path)
    {
        string attrs = Path.Combine(path, ".zattrs");
        if (!File.Exists(attrs)) throw new VolumeFileException(path, "not an OME-Zarr image (no .zattrs).");
        if (new FileInfo(attrs).Length > 16 << 20) throw new VolumeFileException(attrs, "metadata larger than 16 MiB.");
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(attrs)) as JsonObject ?? throw new VolumeFileException(attrs, "is not a JSON object.");
            if (root["multiscales"] is not JsonArray { Count: > 0 } list || list[0] is not JsonObject ms)
                throw new VolumeFileException(attrs, "has no multiscales metadata (not an OME-Zarr image).");
            string version = ms["version"]?.GetValue<string>() ?? "";
            if (version is not ("0.4" or "0.3" or "0.2" or "0.1")) throw new VolumeFileException(attrs, $"multiscales version '{version}' is not supported (0.1–0.4).");
            var (names, axes, unit) = ParseAxes(attrs, ms["axes"]);
            int spatial = axes.Count(a => a >= 0);
            if (ms["datasets"] is not JsonArray { Count: > 0 } datasets) throw new VolumeFileException(attrs, "multiscales has no datasets.");
            double[] global = ScaleOf(attrs, ms["coordinateTransformations"], names.Length, required: false);
            var levels = datasets.Select((d, i) =>
            {
                string p = d?["path"]?.GetValue<string>() ?? throw new VolumeFileException(attrs, $"dataset {i} has no path.");
                if (p.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(p)) throw new VolumeFileException(attrs, $"dataset path '{p}' leaves the image folder.");
                double[] scale = ScaleOf(attrs, d["coordinateTransformations"], names.Length, required: version == "0.4");
                return new Level(p, scale.Select((s, k) => s * global[k]).ToArray());
            }).ToList();
            return new Multiscale(names, axes, spatial == 2 ? 2 : 3, unit, levels);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new VolumeFileException(attrs, $"invalid multiscales metadata ({e.Message}).", e);
        }
    }

    // Maps axes to volume axes: space z/y/x → 0/1/2, channel → -1, time → -2 (must have extent 1).
    private static (string[] Names, int[] Axes, string? Unit) ParseAxes(string attrs, JsonNode? node)
    {
        if (node is not JsonArray { Count: >= 2 and <= 5 } list) throw new VolumeFileException(attrs, "axes must list 2 to 5 axes.");
        var names = new string[list.Count];
        var types = new string[list.Count];
        string? unit = null;
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is JsonObject a)
            {
                names[i] = a["name"]?.GetValue<string>() ?? throw new VolumeFileException(attrs, $"axis {i} has no name.");
                types[i] = a["type"]?.GetValue<string>() ?? Guess(names[i]);
                if (types[i] == "space") unit ??= a["unit"]?.GetValue<string>();
            }
            else { names[i] = list[i]?.GetValue<string>() ?? ""; types[i] = Guess(names[i]); }
        }
        int spaceCount = types.Count(t => t == "space");
        if (spaceCount is not (2 or 3) || types.Count(t => t == "channel") > 1 || types.Count(t => t == "time") > 1 || types.Any(t => t is not ("space" or "channel" or "time")))
            throw new VolumeFileException(attrs, $"axes [{string.Join(", ", names)}] are not time, channel and 2–3 space axes.");
        int s = 3 - spaceCount;
        int[] axes = types.Select(t => t switch { "space" => s++, "channel" => -1, _ => -2 }).ToArray();
        return (names, axes, unit);
    }

    private static string Guess(string name) => name switch { "t" => "time", "c" => "channel", "z" or "y" or "x" => "space", _ => "" };

    private static double[] ScaleOf(string attrs, JsonNode? node, int rank, bool required)
    {
        double[] scale = Enumerable.Repeat(1.0, rank).ToArray();
        if (node is not JsonArray transforms)
            return required ? throw new VolumeFileException(attrs, "a dataset has no coordinateTransformations.") : scale;
        var s = transforms.FirstOrDefault(t => t?["type"]?.GetValue<string>() == "scale");
        if (s is null) return required ? throw new VolumeFileException(attrs, "a dataset has no scale transformation.") : scale;
        if (s["scale"] is not JsonArray values || values.Count != rank) throw new VolumeFileException(attrs, $"a scale does not have {rank} values.");
        scale = values.Select(v => v!.GetValue<double>()).ToArray();
        if (scale.Any(v => !(v > 0) || double.IsInfinity(v))) throw new VolumeFileException(attrs, $"scale [{string.Join(", ", scale)}] has a value that is not positive.");
        return scale;
    }
}
