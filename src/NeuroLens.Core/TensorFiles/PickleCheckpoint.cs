using System.IO.Compression;

namespace NeuroLens.Core.TensorFiles;

/// <summary>
/// Recognises PyTorch pickle checkpoints (<c>torch.save</c> output: a raw pickle, or a zip holding
/// <c>data.pkl</c>; usual extensions .bin, .pt, .pth, .ckpt) so that they can be refused. They are
/// never unpickled: unpickling runs code chosen by whoever wrote the file.
/// </summary>
public static class PickleCheckpoint
{
    /// <summary>File extensions that PyTorch pickle checkpoints customarily use.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle"];

    /// <summary>The one-line explanation given when a pickle checkpoint is refused.</summary>
    public static string RefusalMessage(string path) =>
        $"{path}: is a PyTorch pickle checkpoint; NeuroLens does not read pickle because unpickling can execute arbitrary code. "
        + "Convert it to safetensors in Python: from safetensors.torch import save_file; import torch; "
        + $"save_file(torch.load(\"{System.IO.Path.GetFileName(path)}\", weights_only=True), \"model.safetensors\")";

    /// <summary>
    /// Whether the file looks like a pickle checkpoint: it starts with the pickle PROTO opcode
    /// (0x80, protocol 2 to 5), or it is a zip archive with a <c>data.pkl</c> member, or it has one of
    /// the <see cref="Extensions"/> and is not in a format NeuroLens reads.
    /// </summary>
    public static bool IsPickle(string path, ReadOnlySpan<byte> start)
    {
        if (start.Length >= 2 && start[0] == 0x80 && start[1] is >= 2 and <= 5) return true;
        if (IsZip(start) && ZipHasPickle(path)) return true;
        var extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        return Extensions.Contains(extension) && !NpyHeader.HasMagic(start) && !IsZip(start);
    }

    internal static bool IsZip(ReadOnlySpan<byte> start) =>
        start.Length >= 4 && start[0] == (byte)'P' && start[1] == (byte)'K' && start[2] is 3 or 5 && start[3] is 4 or 6;

    private static bool ZipHasPickle(string path)
    {
        try
        {
            using var archive = ZipFile.OpenRead(path);
            return archive.Entries.Any(e => e.FullName == "data.pkl" || e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal));
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException)
        {
            // Not a readable zip: NpzFile.Open reports the problem.
            return false;
        }
    }
}
