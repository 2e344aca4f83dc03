using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NeuroLens.Imaging.IO;

/// <summary>
/// A zarr v2 array on disk (a folder with <c>.zarray</c> and one file per chunk), written by hand per the
/// zarr v2 specification. Supported: dtypes <c>u1 u2 u4 u8 i1 i2 i4 i8 f4 f8</c> in either byte order,
/// order <c>C</c>, no filters, compressor null, <c>zlib</c> or <c>gzip</c>, dimension separator <c>.</c> or
/// <c>/</c>. Chunks are stored full-size even at the array's edge; a missing chunk reads as
/// <see cref="FillValue"/>. Reads of a region touch only the chunks that overlap it.
/// </summary>
public sealed partial class ZarrArray
{
    /// <summary>Largest chunk accepted, in bytes (a chunk is decoded whole).</summary>
    public const long MaxChunkBytes = 1L << 30;

    private readonly byte[] fill;

    private ZarrArray(string path, long[] shape, int[] chunks, VoxelType type, bool bigEndian, string? compressor, int level, char separator, byte[] fill)
    {
        Path = path; Shape = shape; Chunks = chunks; Type = type; BigEndian = bigEndian;
        Compressor = compressor; Level = level; Separator = separator; this.fill = fill;
    }

    /// <summary>The array's folder.</summary>
    public string Path { get; }
    /// <summary>Extent of every dimension, C order.</summary>
    public long[] Shape { get; }
    /// <summary>Chunk extent of every dimension.</summary>
    public int[] Chunks { get; }
    /// <summary>Element type.</summary>
    public VoxelType Type { get; }
    /// <summary>Whether elements are stored big-endian (<c>&gt;</c> dtypes); they are swapped on read.</summary>
    public bool BigEndian { get; }
    /// <summary>The compressor id: <c>zlib</c>, <c>gzip</c>, or null for raw chunks.</summary>
    public string? Compressor { get; }
    /// <summary>The compression level (0–9) used when writing.</summary>
    public int Level { get; }
    /// <summary>The separator between chunk indices in chunk file names: '.' or '/'.</summary>
    public char Separator { get; }
    /// <summary>The value of voxels in chunks that are not stored.</summary>
    public double FillValue => Type switch
    {
        VoxelType.UInt8 => fill[0], VoxelType.Int8 => (sbyte)fill[0],
        VoxelType.UInt16 => BitConverter.ToUInt16(fill), VoxelType.Int16 => BitConverter.ToInt16(fill),
        VoxelType.UInt32 => BitConverter.ToUInt32(fill), VoxelType.Int32 => BitConverter.ToInt32(fill),
        VoxelType.UInt64 => BitConverter.ToUInt64(fill), VoxelType.Int64 => BitConverter.ToInt64(fill),
        VoxelType.Float32 => BitConverter.ToSingle(fill), _ => BitConverter.ToDouble(fill),
    };

    [GeneratedRegex(@"^([<>|])([uif])(\d)$")]
    private static partial Regex DtypePattern();

    /// <summary>Opens an array, validating its <c>.zarray</c>.</summary>
    public static ZarrArray Open(string path)
    {
        string meta = System.IO.Path.Combine(path, ".zarray");
        if (!File.Exists(meta)) throw new VolumeFileException(path, "not a zarr array (no .zarray).");
        if (new FileInfo(meta).Length > 1 << 20) throw new VolumeFileException(meta, "metadata larger than 1 MiB.");
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(meta)); }
        catch (JsonException e) { throw new VolumeFileException(meta, $"invalid JSON ({e.Message}).", e); }
        if (root is not JsonObject o) throw new VolumeFileException(meta, "is not a JSON object.");
        try { return Parse(path, meta, o); }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
        {
            throw new VolumeFileException(meta, $"unexpected value type ({e.Message}).", e);
        }
    }

    private static ZarrArray Parse(string path, string meta, JsonObject o)
    {
        if (o["zarr_format"]?.GetValue<int>() != 2) throw new VolumeFileException(meta, "zarr_format is not 2.");
        long[] shape = (o["shape"] as JsonArray ?? throw new VolumeFileException(meta, "no shape.")).Select(n => n!.GetValue<long>()).ToArray();
        int[] chunks = (o["chunks"] as JsonArray ?? throw new VolumeFileException(meta, "no chunks.")).Select(n => n!.GetValue<int>()).ToArray();
        if (shape.Length is 0 or > 8 || chunks.Length != shape.Length) throw new VolumeFileException(meta, $"shape has {shape.Length} dimensions and chunks {chunks.Length}; expected 1–8 of each.");
        if (shape.Any(n => n <= 0) || chunks.Any(n => n <= 0)) throw new VolumeFileException(meta, "shape and chunks must be positive.");
        if (shape.Any(n => n > int.MaxValue)) throw new VolumeFileException(meta, $"shape [{string.Join(", ", shape)}] has an extent beyond 2^31 − 1.");

        string dtype = o["dtype"]?.GetValue<string>() ?? throw new VolumeFileException(meta, "no dtype.");
        var m = DtypePattern().Match(dtype);
        VoxelType? type = m.Success ? (m.Groups[2].Value + m.Groups[3].Value) switch
        {
            "u1" => VoxelType.UInt8, "i1" => VoxelType.Int8, "u2" => VoxelType.UInt16, "i2" => VoxelType.Int16,
            "u4" => VoxelType.UInt32, "i4" => VoxelType.Int32, "u8" => VoxelType.UInt64, "i8" => VoxelType.Int64,
            "f4" => VoxelType.Float32, "f8" => VoxelType.Float64, _ => null,
        } : null;
        if (type is null || (m.Groups[1].Value == "|" && VoxelTypes.SizeOf(type.Value) != 1))
            throw new VolumeFileException(meta, $"dtype '{dtype}' is not supported (u1 u2 u4 u8 i1 i2 i4 i8 f4 f8).");
        long chunkBytes = VoxelTypes.SizeOf(type.Value);
        foreach (int c in chunks) chunkBytes = c > MaxChunkBytes / chunkBytes ? MaxChunkBytes + 1 : chunkBytes * c;
        if (chunkBytes > MaxChunkBytes) throw new VolumeFileException(meta, $"chunks [{string.Join(", ", chunks)}] exceed {MaxChunkBytes} bytes.");

        if ((o["order"]?.GetValue<string>() ?? "C") != "C") throw new VolumeFileException(meta, "order 'F' is not supported (only C order).");
        if (o["filters"] is JsonArray { Count: > 0 }) throw new VolumeFileException(meta, "filters are not supported.");
        string? compressor = null;
        int level = 1;
        if (o["compressor"] is JsonObject comp)
        {
            compressor = comp["id"]?.GetValue<string>();
            if (compressor is not ("zlib" or "gzip"))
                throw new VolumeFileException(meta, $"compressor '{compressor}' is not supported (null, zlib, gzip).");
            level = comp["level"]?.GetValue<int>() ?? 1;
        }
        else if (o["compressor"] is not null) throw new VolumeFileException(meta, "compressor is neither null nor an object.");
        string sep = o["dimension_separator"]?.GetValue<string>() ?? ".";
        if (sep is not ("." or "/")) throw new VolumeFileException(meta, $"dimension_separator '{sep}' is not '.' or '/'.");
        return new ZarrArray(path, shape, chunks, type.Value, m.Groups[1].Value == ">", compressor, level, sep[0], Fill(meta, type.Value, o["fill_value"]));
    }

    private static byte[] Fill(string meta, VoxelType type, JsonNode? node)
    {
        byte[] bytes = new byte[VoxelTypes.SizeOf(type)];
        if (node is null) return bytes;
        if (VoxelTypes.IsFloat(type))
        {
            double v = node.GetValueKind() == JsonValueKind.String
                ? node.GetValue<string>() switch
                {
                    "NaN" => double.NaN, "Infinity" => double.PositiveInfinity, "-Infinity" => double.NegativeInfinity,
                    var s => throw new VolumeFileException(meta, $"fill_value '{s}' is not a number."),
                }
                : node.GetValue<double>();
            if (type == VoxelType.Float32) BinaryPrimitives.WriteSingleLittleEndian(bytes, (float)v);
            else BinaryPrimitives.WriteDoubleLittleEndian(bytes, v);
            return bytes;
        }
        if (node.GetValueKind() != JsonValueKind.Number) throw new VolumeFileException(meta, $"fill_value {node.ToJsonString()} is not an integer.");
        var value = node.AsValue();
        if (type == VoxelType.UInt64 && value.TryGetValue(out ulong u)) { BinaryPrimitives.WriteUInt64LittleEndian(bytes, u); return bytes; }
        if (!value.TryGetValue(out long l) || !FitsIn(type, l)) throw new VolumeFileException(meta, $"fill_value {node.ToJsonString()} does not fit {VoxelTypes.Name(type)}.");
        Span<byte> all = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(all, l);
        all[..bytes.Length].CopyTo(bytes);
        return bytes;
    }

    private static bool FitsIn(VoxelType type, long v) => type switch
    {
        VoxelType.UInt8 => v is >= 0 and <= byte.MaxValue, VoxelType.Int8 => v is >= sbyte.MinValue and <= sbyte.MaxValue,
        VoxelType.UInt16 => v is >= 0 and <= ushort.MaxValue, VoxelType.Int16 => v is >= short.MinValue and <= short.MaxValue,
        VoxelType.UInt32 => v is >= 0 and <= uint.MaxValue, VoxelType.Int32 => v is >= int.MinValue and <= int.MaxValue,
        VoxelType.UInt64 => v >= 0, _ => true,
    };

    /// <summary>The attribute (xarray's convention) naming the array's dimensions, written and read here.</summary>
    public const string DimensionsAttribute = "_ARRAY_DIMENSIONS";

    /// <summary>Shape and type of the array read as a volume (see <see cref="Read"/>).</summary>
    public VolumeInfo Describe()
    {
        var (axes, _) = VolumeAxes();
        int c = Array.IndexOf(axes, -1);
        int[] shape = Shape.Where((_, i) => axes[i] >= 0).Select(n => (int)n).ToArray();
        return new VolumeInfo("zarr", Type, shape, c < 0 ? 1 : (int)Shape[c], [1, 1, 1], null, [new LevelInfo(".", shape, [1, 1, 1])]);
    }

    // Volume axis of each array dimension (0 z, 1 y, 2 x, -1 channel, -2 time) and 2 or 3 dimensions:
    // from _ARRAY_DIMENSIONS in .zattrs when present, else by rank: [y, x], [z, y, x], [c, z, y, x].
    private (int[] Axes, int Dimensions) VolumeAxes()
    {
        string[]? names = null;
        string attrs = System.IO.Path.Combine(Path, ".zattrs");
        if (File.Exists(attrs) && new FileInfo(attrs).Length < 1 << 20)
        {
            try { names = (JsonNode.Parse(File.ReadAllText(attrs))?[DimensionsAttribute] as JsonArray)?.Select(n => n!.GetValue<string>()).ToArray(); }
            catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
            {
                throw new VolumeFileException(attrs, $"invalid {DimensionsAttribute} ({e.Message}).", e);
            }
        }
        names ??= Shape.Length switch { 2 => ["y", "x"], 3 => ["z", "y", "x"], 4 => ["c", "z", "y", "x"], _ => [] };
        int[] axes = names.Select(n => n switch { "z" => 0, "y" => 1, "x" => 2, "c" or "channel" => -1, "t" or "time" => -2, _ => -3 }).ToArray();
        if (names.Length != Shape.Length || axes.Contains(-3) || !axes.Contains(1) || !axes.Contains(2) || axes.Distinct().Count() != axes.Length)
            throw new VolumeFileException(Path, $"array of shape [{string.Join(", ", Shape)}] with dimensions [{string.Join(", ", names)}] is not an image ([c,] [z,] y, x).");
        return (axes, axes.Contains(0) ? 3 : 2);
    }

    /// <summary>Reads the array (or the <paramref name="region"/> of it) as a volume. Its dimensions are
    /// named by <c>_ARRAY_DIMENSIONS</c> in <c>.zattrs</c> (c, z, y, x, t), else taken by rank: 2 is
    /// <c>[y, x]</c>, 3 <c>[z, y, x]</c>, 4 <c>[c, z, y, x]</c>. Zarr stores no voxel size: it reads as 1.</summary>
    public AnyVolume Read(Box? region = null, long maxBytes = VolumeReadOptions.DefaultMaxBytes)
    {
        var (axes, dims) = VolumeAxes();
        return ReadVolume(axes, dims, region, [1, 1, 1], maxBytes);
    }

    /// <summary>Reads a region as a volume. <paramref name="axes"/> gives, per array dimension, the volume axis:
    /// 0 z, 1 y, 2 x, -1 channel, -2 an axis of extent 1 that is dropped (time).</summary>
    internal AnyVolume ReadVolume(int[] axes, int dimensions, Box? region, double[] voxelSize, long maxBytes)
    {
        int Extent(int axis) { int i = Array.IndexOf(axes, axis); return i < 0 ? 1 : (int)Shape[i]; }
        var bounds = new Box(0, 0, 0, Extent(0), Extent(1), Extent(2));
        var box = region ?? bounds;
        if (box.IsEmpty || !bounds.Contains(box)) throw new VolumeFileException(Path, $"region {box} is empty or outside the array's {bounds}.");
        long[] start = new long[Shape.Length], size = new long[Shape.Length];
        for (int i = 0; i < axes.Length; i++)
            (start[i], size[i]) = axes[i] switch
            {
                0 => (box.Z0, box.Depth), 1 => (box.Y0, box.Height), 2 => (box.X0, box.Width),
                -1 => (0, Shape[i]),
                _ => Shape[i] == 1 ? (0, 1) : throw new VolumeFileException(Path, $"dimension {i} has extent {Shape[i]}; only one time point is supported."),
            };
        int channels = Extent(-1);
        FileGuard.CheckSize(Path, maxBytes, Type, size);
        Array data = ReadRegion(start, size);
        return AnyVolume.Wrap(data, box.Depth, box.Height, box.Width, channels, dimensions, voxelSize);
    }

    /// <summary>Reads the hyper-rectangle [start, start + size) into a new C-order array, decoding only the chunks it overlaps.</summary>
    internal Array ReadRegion(long[] start, long[] size)
    {
        int n = Shape.Length, es = VoxelTypes.SizeOf(Type);
        long count = size.Aggregate(1L, (p, s) => p * s);
        Array data = VoxelTypes.NewArray(Type, count);
        long[] first = new long[n], last = new long[n];
        for (int i = 0; i < n; i++) { first[i] = start[i] / Chunks[i]; last[i] = (start[i] + size[i] - 1) / Chunks[i]; }
        ForEachChunk(Odometer(first, last), index =>
        {
            byte[]? chunk = LoadChunk(index);
            var output = VoxelTypes.AsBytes(data);
            // Overlap of this chunk with the region, in array coordinates.
            long[] lo = new long[n], hi = new long[n];
            for (int i = 0; i < n; i++)
            {
                lo[i] = Math.Max(start[i], index[i] * Chunks[i]);
                hi[i] = Math.Min(start[i] + size[i], (index[i] + 1) * Chunks[i]) - 1;
            }
            long rowLength = (hi[n - 1] - lo[n - 1] + 1) * es;
            long[] rowLast = (long[])hi.Clone();
            rowLast[n - 1] = lo[n - 1];
            foreach (var p in Odometer(lo, rowLast))
            {
                long dst = 0, src = 0;
                for (int i = 0; i < n; i++)
                {
                    dst = dst * size[i] + (p[i] - start[i]);
                    src = src * Chunks[i] + (p[i] - index[i] * Chunks[i]);
                }
                var target = output.Slice((int)(dst * es), (int)rowLength);
                if (chunk is not null) chunk.AsSpan((int)(src * es), (int)rowLength).CopyTo(target);
                else if (fill.Any(b => b != 0)) for (int k = 0; k < target.Length; k += es) fill.CopyTo(target[k..]);
            }
        });
        return data;
    }

    // Chunks are independent (disjoint output, separate files): decode or encode them in parallel,
    // reporting the first failure as itself rather than as an AggregateException.
    private static void ForEachChunk(IEnumerable<long[]> chunks, Action<long[]> action)
    {
        try { Parallel.ForEach(chunks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, action); }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    // Every index vector between first and last (inclusive), last dimension fastest.
    private static IEnumerable<long[]> Odometer(long[] first, long[] last)
    {
        long[] p = (long[])first.Clone();
        while (true)
        {
            yield return (long[])p.Clone();
            int i = p.Length - 1;
            while (i >= 0 && p[i] == last[i]) { p[i] = first[i]; i--; }
            if (i < 0) yield break;
            p[i]++;
        }
    }

    private string ChunkPath(long[] index) => System.IO.Path.Combine(Path, string.Join(Separator, index.Select(i => i.ToString(CultureInfo.InvariantCulture))));

    private long ChunkBytes => Chunks.Aggregate((long)VoxelTypes.SizeOf(Type), (p, c) => p * c);

    // A chunk's decoded bytes in native order, or null when the chunk is not stored.
    private byte[]? LoadChunk(long[] index)
    {
        string file = ChunkPath(index);
        if (!File.Exists(file)) return null;
        long expected = ChunkBytes, length = new FileInfo(file).Length;
        // Raw chunks have exactly the chunk's size; deflate adds at most a few bytes per 16 KiB block.
        if (Compressor is null ? length != expected : length > expected + expected / 100 + 1024)
            throw new VolumeFileException(file, $"chunk has {length} bytes, expected {(Compressor is null ? "" : "at most ")}{(Compressor is null ? expected : expected + expected / 100 + 1024)}.");
        byte[] stored = File.ReadAllBytes(file);
        byte[] raw;
        if (Compressor is null) raw = stored;
        else
        {
            raw = new byte[expected];
            try
            {
                using Stream inflate = Compressor == "zlib" ? new ZLibStream(new MemoryStream(stored), CompressionMode.Decompress)
                                                            : new GZipStream(new MemoryStream(stored), CompressionMode.Decompress);
                int got = inflate.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false);
                if (got < raw.Length || inflate.ReadByte() >= 0)
                    throw new VolumeFileException(file, $"chunk decompresses to {(got < raw.Length ? got.ToString(CultureInfo.InvariantCulture) : "more than " + expected)} bytes, expected {expected}.");
            }
            catch (InvalidDataException e) { throw new VolumeFileException(file, $"corrupt {Compressor} chunk ({e.Message}).", e); }
        }
        if (raw.LongLength != expected) throw new VolumeFileException(file, $"chunk has {raw.LongLength} bytes, expected {expected}.");
        if (BigEndian) SwapBytes(raw, VoxelTypes.SizeOf(Type));
        return raw;
    }

    private static void SwapBytes(byte[] data, int size)
    {
        if (size > 1)
            for (int i = 0; i < data.Length; i += size) Array.Reverse(data, i, size);
    }

    /// <summary>Writes a volume as a single zarr v2 array of dimensions <c>[c,] [z,] y, x</c> (channel only
    /// when there are several, z only for 3D volumes), named in <c>.zattrs</c>, atomically.</summary>
    public static void Write(string path, AnyVolume volume, VolumeWriteOptions? options = null)
    {
        options ??= new VolumeWriteOptions();
        FileGuard.WriteDirectory(path, temp =>
        {
            string[] names = WriteArray(temp, volume, options, '.');
            var attrs = new JsonObject { [DimensionsAttribute] = new JsonArray(names.Select(n => (JsonNode)n).ToArray()) };
            File.WriteAllText(System.IO.Path.Combine(temp, ".zattrs"), attrs.ToJsonString());
        });
    }

    /// <summary>Writes <paramref name="volume"/> as an array of dimensions <c>[c,] [z,] y, x</c> into the existing
    /// folder <paramref name="folder"/>: <c>.zarray</c> and every chunk holding a non-zero voxel (fill value 0).
    /// Returns the dimension names.</summary>
    internal static string[] WriteArray(string folder, AnyVolume volume, VolumeWriteOptions options, char separator)
    {
        var names = new List<string>();
        if (volume.Channels > 1) names.Add("c");
        if (volume.Dimensions == 3) names.Add("z");
        names.AddRange(["y", "x"]);
        int[] zyx = options.ZarrChunks;
        if (zyx.Length != 3 || zyx.Any(c => c <= 0)) throw new VolumeFileException(folder, $"ZarrChunks [{string.Join(", ", zyx)}] must be three positive extents (z, y, x).");
        long[] shape = names.Select(n => (long)(n switch { "c" => volume.Channels, "z" => volume.Depth, "y" => volume.Height, _ => volume.Width })).ToArray();
        int[] chunks = names.Select((n, i) => (int)Math.Min(shape[i], n switch { "c" => 1, "z" => zyx[0], "y" => zyx[1], _ => zyx[2] })).ToArray();
        if (options.ZarrCompressor is not (null or "zlib" or "gzip")) throw new VolumeFileException(folder, $"compressor '{options.ZarrCompressor}' is not supported (null, zlib, gzip).");
        if (options.ZarrCompressionLevel is < 0 or > 9) throw new VolumeFileException(folder, $"compression level {options.ZarrCompressionLevel} is outside 0–9.");
        string dtype = volume.Type switch
        {
            VoxelType.UInt8 => "|u1", VoxelType.Int8 => "|i1", VoxelType.UInt16 => "<u2", VoxelType.Int16 => "<i2",
            VoxelType.UInt32 => "<u4", VoxelType.Int32 => "<i4", VoxelType.UInt64 => "<u8", VoxelType.Int64 => "<i8",
            VoxelType.Float32 => "<f4", _ => "<f8",
        };
        var meta = new JsonObject
        {
            ["zarr_format"] = 2,
            ["shape"] = new JsonArray(shape.Select(n => (JsonNode)n).ToArray()),
            ["chunks"] = new JsonArray(chunks.Select(n => (JsonNode)n).ToArray()),
            ["dtype"] = dtype,
            ["compressor"] = options.ZarrCompressor is null ? null : new JsonObject { ["id"] = options.ZarrCompressor, ["level"] = options.ZarrCompressionLevel },
            ["fill_value"] = 0,
            ["order"] = "C",
            ["filters"] = null,
            ["dimension_separator"] = separator.ToString(),
        };
        File.WriteAllText(System.IO.Path.Combine(folder, ".zarray"), meta.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var array = new ZarrArray(folder, shape, chunks, volume.Type, false, options.ZarrCompressor, options.ZarrCompressionLevel, separator, new byte[VoxelTypes.SizeOf(volume.Type)]);
        array.WriteChunks(volume.Data);
        return names.ToArray();
    }

    private void WriteChunks(Array data)
    {
        int n = Shape.Length, es = VoxelTypes.SizeOf(Type);
        long[] first = new long[n], last = Shape.Select((s, i) => (s - 1) / Chunks[i]).ToArray();
        ForEachChunk(Odometer(first, last), index =>
        {
            byte[] chunk = new byte[ChunkBytes];
            var input = VoxelTypes.AsBytes(data);
            long[] lo = new long[n], hi = new long[n];
            for (int i = 0; i < n; i++) { lo[i] = index[i] * Chunks[i]; hi[i] = Math.Min(Shape[i], lo[i] + Chunks[i]) - 1; }
            long rowLength = (hi[n - 1] - lo[n - 1] + 1) * es;
            long[] rowLast = (long[])hi.Clone();
            rowLast[n - 1] = lo[n - 1];
            foreach (var p in Odometer(lo, rowLast))
            {
                long src = 0, dst = 0;
                for (int i = 0; i < n; i++) { src = src * Shape[i] + p[i]; dst = dst * Chunks[i] + (p[i] - lo[i]); }
                input.Slice((int)(src * es), (int)rowLength).CopyTo(chunk.AsSpan((int)(dst * es)));
            }
            if (chunk.AsSpan().IndexOfAnyExcept((byte)0) < 0) return; // all fill value: not stored, as zarr does
            string file = ChunkPath(index);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
            using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write);
            var settings = new ZLibCompressionOptions { CompressionLevel = Level };
            using Stream output = Compressor switch
            {
                "zlib" => new ZLibStream(stream, settings),
                "gzip" => new GZipStream(stream, settings),
                _ => stream,
            };
            output.Write(chunk);
        });
    }
}
