using System.IO.MemoryMappedFiles;
using NeuroLens.Core;
using NeuroLens.Core.TensorFiles;

namespace NeuroLens.Models.Capture;

/// <summary>One block of consecutive captured rows, in memory or in a safetensors file.</summary>
internal abstract class CaptureShard : IDisposable
{
    /// <summary>The rows it holds.</summary>
    public abstract long Rows { get; }

    /// <summary>Copies <paramref name="count"/> floats of site <paramref name="site"/>, from element <paramref name="element"/> of its row-major (rows, width) data.</summary>
    public abstract void ReadFloats(int site, long element, float[] destination, int destinationIndex, int count);

    /// <summary>Copies <paramref name="count"/> values of a token tensor (0 id, 1 text, 2 position) from row <paramref name="row"/>.</summary>
    public abstract void ReadLongs(int tensor, long row, long[] destination, int destinationIndex, int count);

    /// <inheritdoc/>
    public virtual void Dispose()
    {
    }
}

/// <summary>Rows kept in arrays (the in-memory mode).</summary>
internal sealed class MemoryCaptureShard(float[][] sites, long[][] tokens, long rows) : CaptureShard
{
    public override long Rows => rows;

    public override void ReadFloats(int site, long element, float[] destination, int destinationIndex, int count) =>
        Array.Copy(sites[site], element, destination, destinationIndex, count);

    public override void ReadLongs(int tensor, long row, long[] destination, int destinationIndex, int count) =>
        Array.Copy(tokens[tensor], row, destination, destinationIndex, count);
}

/// <summary>Rows in a safetensors shard, read through a memory mapping (pages are read as touched).</summary>
internal sealed class FileCaptureShard : CaptureShard
{
    private readonly MemoryMappedFile? _mapping;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly long[] _siteOffsets;
    private readonly long[] _tokenOffsets;

    private FileCaptureShard(long rows, MemoryMappedFile? mapping, MemoryMappedViewAccessor? view, long[] siteOffsets, long[] tokenOffsets)
    {
        Rows = rows;
        _mapping = mapping;
        _view = view;
        _siteOffsets = siteOffsets;
        _tokenOffsets = tokenOffsets;
    }

    public override long Rows { get; }

    /// <summary>Opens a shard and checks that it holds every site and token tensor with the shapes of the index.</summary>
    public static FileCaptureShard Open(string path, IReadOnlyList<CaptureSite> sites, long rows)
    {
        if (!File.Exists(path)) throw new NeuroLensException($"{path}: capture shard missing");
        var siteOffsets = new long[sites.Count];
        var tokenOffsets = new long[3];
        try
        {
            using (var file = SafetensorsFile.Open(path))
            {
                TensorEntry Entry(string name, DType dtype, long[] shape)
                {
                    var entry = file.Entries.FirstOrDefault(e => e.Name == name)
                        ?? throw new NeuroLensException($"{path}: no tensor '{name}' (the index lists it)");
                    if (entry.DType != dtype || !entry.Shape.SequenceEqual(shape))
                        throw new NeuroLensException($"{path}: tensor '{name}' is {entry.DType} {entry.ShapeText}, the index expects {dtype} ({string.Join(", ", shape)})");
                    return entry;
                }
                for (int i = 0; i < sites.Count; i++) siteOffsets[i] = Entry(sites[i].Name, DType.F32, [rows, sites[i].Width]).DataOffset;
                string[] tokenNames = [CaptureIndex.TokenIdTensor, CaptureIndex.TextTensor, CaptureIndex.PositionTensor];
                for (int i = 0; i < 3; i++) tokenOffsets[i] = Entry(tokenNames[i], DType.I64, [rows]).DataOffset;
            }
        }
        catch (TensorFileException e)
        {
            throw new NeuroLensException(e.Message, e);
        }
        if (rows == 0) return new FileCaptureShard(0, null, null, siteOffsets, tokenOffsets);
        var mapping = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        try
        {
            return new FileCaptureShard(rows, mapping, mapping.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read), siteOffsets, tokenOffsets);
        }
        catch
        {
            mapping.Dispose();
            throw;
        }
    }

    public override void ReadFloats(int site, long element, float[] destination, int destinationIndex, int count)
    {
        if (count == 0) return;
        int read = _view!.ReadArray(_siteOffsets[site] + element * sizeof(float), destination, destinationIndex, count);
        if (read != count) throw new NeuroLensException("capture shard: short read (was the file truncated while open?)");
    }

    public override void ReadLongs(int tensor, long row, long[] destination, int destinationIndex, int count)
    {
        if (count == 0) return;
        int read = _view!.ReadArray(_tokenOffsets[tensor] + row * sizeof(long), destination, destinationIndex, count);
        if (read != count) throw new NeuroLensException("capture shard: short read (was the file truncated while open?)");
    }

    public override void Dispose()
    {
        _view?.Dispose();
        _mapping?.Dispose();
    }
}
