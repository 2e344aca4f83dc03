using NeuroLens.Core.IO;
using static TorchSharp.torch;

namespace NeuroLens.Core.TensorFiles;

/// <summary>
/// The entry point for tensor files: opens safetensors files, sharded safetensors checkpoints
/// (index file or folder), .npy and .npz files, detected by magic bytes and extension; writes and
/// converts between them. Pickle checkpoints (.bin, .pt, .pth, .ckpt) are refused with instructions
/// for converting them. Every failure is a one-line <see cref="TensorFileException"/> naming the path.
/// </summary>
public static class TensorFile
{
    /// <summary>
    /// Opens a tensor file for reading (headers only). <paramref name="path"/> may be a .safetensors,
    /// .npy or .npz file, a <c>*.index.json</c> file of a sharded checkpoint, or a folder holding
    /// <see cref="ShardedSafetensors.IndexFileName"/> or a single <c>model.safetensors</c>.
    /// </summary>
    public static ITensorSource Open(string path) => DetectFormat(path, out var resolved) switch
    {
        TensorFileFormat.Safetensors => SafetensorsFile.Open(resolved),
        TensorFileFormat.ShardedSafetensors => ShardedSafetensors.Open(resolved),
        TensorFileFormat.Npy => NpyFile.Open(resolved),
        TensorFileFormat.Npz => NpzFile.Open(resolved),
        var other => throw new InvalidOperationException($"unhandled format {other}"),
    };

    /// <summary>
    /// Detects the format of a file or checkpoint folder, and the file that <see cref="Open"/> would
    /// read (for folders: the index or <c>model.safetensors</c> inside). Refuses missing paths,
    /// folders that are not checkpoints, pickle checkpoints and unknown formats.
    /// </summary>
    public static TensorFileFormat DetectFormat(string path, out string resolvedPath)
    {
        if (Directory.Exists(path))
        {
            var index = System.IO.Path.Combine(path, ShardedSafetensors.IndexFileName);
            var single = System.IO.Path.Combine(path, "model.safetensors");
            if (File.Exists(index)) { resolvedPath = index; return TensorFileFormat.ShardedSafetensors; }
            if (File.Exists(single)) { resolvedPath = single; return TensorFileFormat.Safetensors; }
            var pickle = PickleCheckpoint.Extensions.Select(e => System.IO.Path.Combine(path, "pytorch_model" + e)).FirstOrDefault(File.Exists);
            if (pickle is not null) throw new TensorFileException(PickleCheckpoint.RefusalMessage(pickle));
            throw new TensorFileException(
                $"{path}: is a folder without {ShardedSafetensors.IndexFileName} or model.safetensors; give a tensor file or a checkpoint folder");
        }
        if (!File.Exists(path))
            throw new TensorFileException($"{path}: no such file or folder");
        resolvedPath = path;
        if (path.EndsWith(".index.json", StringComparison.OrdinalIgnoreCase))
            return TensorFileFormat.ShardedSafetensors;
        var start = ReadStart(path);
        if (NpyHeader.HasMagic(start)) return TensorFileFormat.Npy;
        if (PickleCheckpoint.IsPickle(path, start))
            throw new TensorFileException(PickleCheckpoint.RefusalMessage(path));
        if (PickleCheckpoint.IsZip(start)) return TensorFileFormat.Npz;
        var extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        // A safetensors file starts with its header length and then the header's opening brace.
        if (extension == ".safetensors" || (start.Length >= 9 && start[8] == (byte)'{'))
            return TensorFileFormat.Safetensors;
        if (extension is ".npy" or ".npz")
            return extension == ".npy" ? TensorFileFormat.Npy : TensorFileFormat.Npz;
        throw new TensorFileException(
            $"{path}: unknown tensor file format (expected safetensors, .npy, .npz or a sharded checkpoint index)");
    }

    /// <summary>
    /// Writes tensors to <paramref name="path"/> atomically, choosing the format by extension:
    /// <c>.safetensors</c> (with <paramref name="metadata"/>), <c>.npy</c> (exactly one tensor; no
    /// metadata) or <c>.npz</c> (stored members; no metadata). Tensors are written contiguous, in C order.
    /// </summary>
    public static void Write(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null) =>
        WritePending(path, PendingTensor.FromTensors(path, tensors), metadata);

    /// <summary>
    /// Writes tensors given as raw bytes (<see cref="RawTensor"/>) to <paramref name="path"/> atomically,
    /// choosing the format by extension as the other overload does. This is how the dtypes TorchSharp
    /// lacks (U16, U32, U64) are written; a tensor whose callback writes a wrong number of bytes fails
    /// the whole write and leaves no file.
    /// </summary>
    public static void Write(string path, IReadOnlyList<RawTensor> tensors,
        IReadOnlyDictionary<string, string>? metadata = null) =>
        WritePending(path, PendingTensor.FromRaw(path, tensors), metadata);

    /// <summary>
    /// Converts between safetensors (single file or sharded checkpoint as input), .npy and .npz,
    /// streaming one tensor's bytes at a time. Bytes are copied, not read as typed tensors, so every
    /// dtype (U16, U32 and U64, which TorchSharp lacks, included) passes bit for bit; big-endian or
    /// Fortran-order .npy input is rewritten as little-endian C order. The output format comes from
    /// <paramref name="outPath"/>'s extension as in the <c>Write</c> methods. String metadata is carried over only to safetensors output
    /// (NumPy formats have none); BF16 tensors cannot go to .npy/.npz. Returns the number of tensors written.
    /// </summary>
    public static int Convert(string inPath, string outPath)
    {
        using var source = Open(inPath);
        var pending = source.Entries.Select(e => PendingTensor.FromSource(source, e)).ToList();
        WritePending(outPath, pending, source.Metadata);
        return pending.Count;
    }

    private static void WritePending(string path, IReadOnlyList<PendingTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        switch (extension)
        {
            case ".safetensors":
                AtomicFile.Write(path, stream => SafetensorsWriter.Write(path, stream, tensors, metadata));
                break;
            case ".npy":
                if (tensors.Count != 1)
                    throw new TensorFileException($"{path}: a .npy file holds exactly one tensor, got {tensors.Count}; write .npz or .safetensors");
                NpyFile.Write(path, tensors[0]);
                break;
            case ".npz":
                NpzFile.Write(path, tensors, compress: false);
                break;
            default:
                throw new TensorFileException($"{path}: cannot choose an output format from extension '{extension}' (use .safetensors, .npy or .npz)");
        }
    }

    private static byte[] ReadStart(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            var buffer = new byte[16];
            int n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return buffer[..n];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TensorFileException($"{path}: cannot open: {e.Message}", e);
        }
    }
}
