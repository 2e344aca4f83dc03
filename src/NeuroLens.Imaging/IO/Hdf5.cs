using NeuroLens.Core;
using PureHDF;
using PureHDF.Filters;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace NeuroLens.Imaging.IO;

/// <summary>
/// HDF5 datasets through PureHDF. A numeric dataset of rank 2 (<c>[y, x]</c>), 3 (<c>[z, y, x]</c>) or
/// 4 (<c>[c, z, y, x]</c>) reads as a <see cref="Volume{T}"/> of its own element type (uint8 … uint64,
/// int8 … int64, float32, float64). A rank-3 dataset stays 3D even when its depth is 1, as in the CREMI
/// sample file; a 2D multi-channel image is therefore written as <c>[c, 1, y, x]</c> and reads back as a
/// 3D volume of depth 1. The voxel size is the dataset's <c>resolution</c> attribute in z-y-x order (nanometres
/// in the CREMI layout); 1 where the attribute is absent.
/// </summary>
public static class Hdf5Format
{
    /// <summary>CREMI's raw EM data: uint8 <c>[z, y, x]</c>.</summary>
    public const string CremiRaw = "volumes/raw";
    /// <summary>CREMI's neuron instance labels: uint64 <c>[z, y, x]</c>.</summary>
    public const string CremiNeuronIds = "volumes/labels/neuron_ids";
    /// <summary>The attribute holding the voxel size, z-y-x (nm in CREMI).</summary>
    public const string ResolutionAttribute = "resolution";

    private static readonly byte[] Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Whether <paramref name="head"/> (the first bytes of a file) starts with the HDF5 signature.</summary>
    public static bool IsHdf5(ReadOnlySpan<byte> head) => head.StartsWith(Signature);

    /// <summary>Shape, type and resolution of one dataset, without reading its values.</summary>
    public static VolumeInfo Describe(string path, string dataset = CremiRaw) => Guard(path, () =>
    {
        using var file = Open(path);
        var (ds, type, dims) = Inspect(path, file, dataset);
        var (d, h, w, c, rank) = Extents(path, dataset, dims);
        double[] voxelSize = Resolution(path, ds, rank);
        int[] shape = rank == 2 ? [h, w] : [d, h, w];
        return new VolumeInfo("hdf5", type, shape, c, voxelSize, null, [new LevelInfo(dataset, shape, voxelSize)], dataset);
    });

    /// <summary>Paths of every numeric dataset of rank 2–4 in the file, depth first.</summary>
    public static IReadOnlyList<string> ListDatasets(string path) => Guard(path, () =>
    {
        using var file = Open(path);
        var found = new List<string>();
        void Walk(IH5Group group, string prefix)
        {
            foreach (var child in group.Children())
            {
                string name = prefix + child.Name;
                if (child is IH5Group g) Walk(g, name + "/");
                else if (child is IH5Dataset ds && ds.Space.Rank is >= 2 and <= 4 && ds.Type.Class is H5DataTypeClass.FixedPoint or H5DataTypeClass.FloatingPoint)
                    found.Add(name);
            }
        }
        Walk(file, "");
        return (IReadOnlyList<string>)found;
    });

    /// <summary>Reads a dataset by path (default: CREMI raw) with its <c>resolution</c> attribute as voxel
    /// size; with a <paramref name="region"/> (z-y-x voxel box), only that hyperslab is read.</summary>
    public static AnyVolume Read(string path, string dataset = CremiRaw, long maxBytes = VolumeReadOptions.DefaultMaxBytes, Box? region = null) => Guard(path, () =>
    {
        using var file = Open(path);
        var (ds, type, dims) = Inspect(path, file, dataset);
        var (d, h, w, c, rank) = Extents(path, dataset, dims);
        var bounds = new Box(0, 0, 0, d, h, w);
        var box = region ?? bounds;
        if (box.IsEmpty || !bounds.Contains(box)) throw new VolumeFileException(path, $"region {box} is empty or outside dataset '{dataset}' {bounds}.");
        FileGuard.CheckSize(path, maxBytes, type, c, box.Depth, box.Height, box.Width);
        Array data = VoxelTypes.NewArray(type, (long)c * box.Count);
        ulong[] starts = rank switch { 2 => [(ulong)box.Y0, (ulong)box.X0], 3 => [(ulong)box.Z0, (ulong)box.Y0, (ulong)box.X0], _ => [0, (ulong)box.Z0, (ulong)box.Y0, (ulong)box.X0] };
        ulong[] blocks = rank switch { 2 => [(ulong)box.Height, (ulong)box.Width], 3 => [(ulong)box.Depth, (ulong)box.Height, (ulong)box.Width], _ => [(ulong)c, (ulong)box.Depth, (ulong)box.Height, (ulong)box.Width] };
        var selection = region is null ? null : new HyperslabSelection(rank, starts, blocks);
        ulong[]? memoryDims = region is null ? null : blocks;
        // By the exact type: the CLR lets an sbyte[] pass as byte[] (and so on) in a type pattern.
        switch (type)
        {
            case VoxelType.UInt8: ds.Read((byte[])data, selection, null, memoryDims); break;
            case VoxelType.Int8: ds.Read((sbyte[])data, selection, null, memoryDims); break;
            case VoxelType.UInt16: ds.Read((ushort[])data, selection, null, memoryDims); break;
            case VoxelType.Int16: ds.Read((short[])data, selection, null, memoryDims); break;
            case VoxelType.UInt32: ds.Read((uint[])data, selection, null, memoryDims); break;
            case VoxelType.Int32: ds.Read((int[])data, selection, null, memoryDims); break;
            case VoxelType.UInt64: ds.Read((ulong[])data, selection, null, memoryDims); break;
            case VoxelType.Int64: ds.Read((long[])data, selection, null, memoryDims); break;
            case VoxelType.Float32: ds.Read((float[])data, selection, null, memoryDims); break;
            default: ds.Read((double[])data, selection, null, memoryDims); break;
        }
        return AnyVolume.Wrap(data, box.Depth, box.Height, box.Width, c, rank == 2 ? 2 : 3, Resolution(path, ds, rank));
    });

    /// <summary>A numeric attribute of a dataset or group (<c>"/"</c> for the root) as doubles.</summary>
    public static double[] ReadAttribute(string path, string objectPath, string name) => Guard(path, () =>
    {
        using var file = Open(path);
        IH5Object obj = objectPath is "" or "/" ? file : file.Get(objectPath);
        if (!obj.AttributeExists(name)) throw new VolumeFileException(path, $"{objectPath} has no attribute '{name}'.");
        return NumericAttribute(path, obj.Attribute(name), $"{objectPath}@{name}");
    });

    /// <summary>Reads a CREMI file: raw (uint8) and neuron ids (uint64), each null when absent.</summary>
    public static (Volume<byte>? Raw, Volume<ulong>? NeuronIds) ReadCremi(string path, long maxBytes = VolumeReadOptions.DefaultMaxBytes)
    {
        var present = ListDatasets(path);
        var raw = present.Contains(CremiRaw) ? Read(path, CremiRaw, maxBytes).As<byte>() : null;
        var ids = present.Contains(CremiNeuronIds) ? Read(path, CremiNeuronIds, maxBytes).As<ulong>() : null;
        if (raw is null && ids is null) throw new VolumeFileException(path, $"neither {CremiRaw} nor {CremiNeuronIds} is present: not a CREMI file.");
        return (raw, ids);
    }

    /// <summary>Writes a CREMI-layout file, atomically: <c>volumes/raw</c> and, when given,
    /// <c>volumes/labels/neuron_ids</c>, each with a <c>resolution</c> attribute (its voxel size, z-y-x nm).</summary>
    public static void WriteCremi(string path, Volume<byte> raw, Volume<ulong>? neuronIds = null)
    {
        var datasets = new List<(string, AnyVolume)> { (CremiRaw, AnyVolume.From(raw)) };
        if (neuronIds is not null) datasets.Add((CremiNeuronIds, AnyVolume.From(neuronIds)));
        Write(path, datasets);
    }

    /// <summary>Writes datasets (path inside the file, volume) into a new HDF5 file, atomically; each
    /// gets a <c>resolution</c> attribute with its voxel size. Datasets are chunked and deflate-compressed.</summary>
    public static void Write(string path, IReadOnlyList<(string Dataset, AnyVolume Volume)> datasets)
    {
        var root = new H5File();
        foreach (var (name, volume) in datasets)
        {
            string[] parts = name.Trim('/').Split('/');
            if (parts.Any(p => p.Length == 0)) throw new VolumeFileException(path, $"invalid dataset path '{name}'.");
            H5Group group = root;
            foreach (string part in parts[..^1])
            {
                if (!group.TryGetValue(part, out var next)) group[part] = next = new H5Group();
                group = next as H5Group ?? throw new VolumeFileException(path, $"'{part}' in '{name}' is both a dataset and a group.");
            }
            if (group.ContainsKey(parts[^1])) throw new VolumeFileException(path, $"dataset '{name}' given twice.");
            group[parts[^1]] = Dataset(volume);
        }
        FileGuard.WriteFile(path, temp => root.Write(temp));
    }

    private static H5Dataset Dataset(AnyVolume v)
    {
        ulong[] dims = v.Channels > 1 ? [(ulong)v.Channels, (ulong)v.Depth, (ulong)v.Height, (ulong)v.Width]
            : v.Dimensions == 2 ? [(ulong)v.Height, (ulong)v.Width] : [(ulong)v.Depth, (ulong)v.Height, (ulong)v.Width];
        uint[] chunks = dims.Select((n, i) => (uint)Math.Min(n, i == dims.Length - 1 ? 256UL : i == dims.Length - 2 ? 256UL : 1UL)).ToArray();
        var creation = new H5DatasetCreation(Filters: [new H5Filter(DeflateFilter.Id, null)]);
        double[] resolution = v.Dimensions == 2 && v.Channels == 1 ? v.VoxelSize[1..] : (double[])v.VoxelSize.Clone();
        return new H5Dataset(v.Data, chunks: chunks, fileDims: dims, datasetCreation: creation)
        {
            Attributes = new() { [ResolutionAttribute] = resolution },
        };
    }

    private static NativeFile Open(string path)
    {
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            Span<byte> head = stackalloc byte[8];
            if (stream.ReadAtLeast(head, 8, throwOnEndOfStream: false) < 8 || !IsHdf5(head))
                throw new VolumeFileException(path, "not an HDF5 file (signature missing).");
        }
        return H5File.OpenRead(path);
    }

    private static (IH5Dataset Dataset, VoxelType Type, ulong[] Dims) Inspect(string path, NativeFile file, string dataset)
    {
        if (!file.LinkExists(dataset)) throw new VolumeFileException(path, $"no dataset '{dataset}' (choose one with the dataset option).");
        if (file.Get(dataset) is not IH5Dataset ds) throw new VolumeFileException(path, $"'{dataset}' is a group, not a dataset.");
        var t = ds.Type;
        VoxelType? type = t.Class switch
        {
            H5DataTypeClass.FixedPoint => (t.Size, t.FixedPoint.IsSigned) switch
            {
                (1, false) => VoxelType.UInt8, (1, true) => VoxelType.Int8,
                (2, false) => VoxelType.UInt16, (2, true) => VoxelType.Int16,
                (4, false) => VoxelType.UInt32, (4, true) => VoxelType.Int32,
                (8, false) => VoxelType.UInt64, (8, true) => VoxelType.Int64,
                _ => null,
            },
            H5DataTypeClass.FloatingPoint => t.Size switch { 4 => VoxelType.Float32, 8 => VoxelType.Float64, _ => null },
            _ => null,
        };
        if (type is null) throw new VolumeFileException(path, $"dataset '{dataset}' holds {t.Class} of {t.Size} bytes, not a numeric voxel type.");
        return (ds, type.Value, ds.Space.Dimensions);
    }

    private static (int D, int H, int W, int C, int Rank) Extents(string path, string dataset, ulong[] dims)
    {
        if (dims.Length is < 2 or > 4) throw new VolumeFileException(path, $"dataset '{dataset}' has rank {dims.Length}; expected 2 ([y, x]), 3 ([z, y, x]) or 4 ([c, z, y, x]).");
        if (dims.Any(n => n == 0 || n > int.MaxValue)) throw new VolumeFileException(path, $"dataset '{dataset}' has an unusable shape [{string.Join(", ", dims)}].");
        int[] n = dims.Select(x => (int)x).ToArray();
        return n.Length switch
        {
            2 => (1, n[0], n[1], 1, 2),
            3 => (n[0], n[1], n[2], 1, 3),
            _ => (n[1], n[2], n[3], n[0], 4),
        };
    }

    private static double[] Resolution(string path, IH5Dataset ds, int rank)
    {
        if (!ds.AttributeExists(ResolutionAttribute)) return [1, 1, 1];
        double[] r = NumericAttribute(path, ds.Attribute(ResolutionAttribute), ResolutionAttribute);
        int spatial = rank == 2 ? 2 : 3;
        if (r.Length != spatial || r.Any(x => !(x > 0) || double.IsInfinity(x)))
            throw new VolumeFileException(path, $"attribute resolution [{string.Join(", ", r)}] is not {spatial} positive sizes.");
        return spatial == 2 ? [1, r[0], r[1]] : r;
    }

    private static double[] NumericAttribute(string path, IH5Attribute a, string what)
    {
        if (a.Space.Dimensions.Aggregate(1UL, (p, n) => p * n) > 1 << 20) throw new VolumeFileException(path, $"attribute {what} is too large.");
        return (a.Type.Class, a.Type.Size, a.Type.Class == H5DataTypeClass.FixedPoint && a.Type.FixedPoint.IsSigned) switch
        {
            (H5DataTypeClass.FloatingPoint, 8, _) => a.Read<double[]>(),
            (H5DataTypeClass.FloatingPoint, 4, _) => Array.ConvertAll(a.Read<float[]>(), x => (double)x),
            (H5DataTypeClass.FixedPoint, 8, true) => Array.ConvertAll(a.Read<long[]>(), x => (double)x),
            (H5DataTypeClass.FixedPoint, 8, false) => Array.ConvertAll(a.Read<ulong[]>(), x => (double)x),
            (H5DataTypeClass.FixedPoint, 4, true) => Array.ConvertAll(a.Read<int[]>(), x => (double)x),
            (H5DataTypeClass.FixedPoint, 4, false) => Array.ConvertAll(a.Read<uint[]>(), x => (double)x),
            _ => throw new VolumeFileException(path, $"attribute {what} is {a.Type.Class} of {a.Type.Size} bytes, expected numbers."),
        };
    }

    // PureHDF reports malformed files with assorted exception types; each becomes one line naming the file.
    private static T Guard<T>(string path, Func<T> action)
    {
        try { return action(); }
        catch (Exception e) when (e is not NeuroLensException and not OutOfMemoryException)
        {
            throw new VolumeFileException(path, $"cannot read HDF5: {e.Message}", e);
        }
    }
}
