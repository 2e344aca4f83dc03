using System.Text.Json.Nodes;
using NeuroLens.Core;
using NeuroLens.Models.BuiltIn;
using NeuroLens.Models.Tokenizers;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Models.Bert;

/// <summary>How a sentence-transformers model turns token states into one sentence vector.</summary>
public enum Pooling
{
    /// <summary>Masked mean over the real tokens ([CLS] and [SEP] included).</summary>
    Mean,

    /// <summary>The [CLS] token's state.</summary>
    Cls,
}

/// <summary>
/// A BERT encoder with its tokenizer: texts in, sentence embeddings out, as sentence-transformers
/// computes them (tokenise, pad to the batch's longest text, encode, pool, L2-normalise). The pooling
/// is read from sentence-transformers' <c>1_Pooling/config.json</c> when the folder has one, else mean.
/// </summary>
public sealed class SentenceEncoder : IDisposable
{
    private SentenceEncoder(string folder, BertModel model, WordPieceTokenizer tokenizer, Pooling pooling)
    {
        Folder = folder;
        Model = model;
        Tokenizer = tokenizer;
        Pooling = pooling;
    }

    /// <summary>The model folder it was loaded from.</summary>
    public string Folder { get; }

    /// <summary>The encoder.</summary>
    public BertModel Model { get; }

    /// <summary>The tokenizer.</summary>
    public WordPieceTokenizer Tokenizer { get; }

    /// <summary>The folder's pooling (mean when it declares none).</summary>
    public Pooling Pooling { get; }

    /// <summary>Loads a model folder or a built-in model (<see cref="ModelLocator.Resolve"/>).</summary>
    /// <param name="pathOrId">A Hugging Face folder or a built-in id.</param>
    /// <param name="cacheRoot">Where built-in models are cached (null: <see cref="ModelLocator.DefaultCacheRoot"/>).</param>
    /// <param name="device">The device to compute on (null: CPU).</param>
    public static SentenceEncoder Open(string pathOrId, string? cacheRoot = null, Device? device = null)
    {
        var folder = ModelLocator.Resolve(pathOrId, cacheRoot);
        var model = BertCheckpoint.Load(folder);
        try
        {
            if (device is not null && device.type != DeviceType.CPU) model.to(device);
            var tokenizer = WordPieceTokenizer.FromFolder(folder, model.Config.MaxPositionEmbeddings);
            return new SentenceEncoder(folder, model, tokenizer, ReadPooling(folder));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The last hidden state (B, T, C) of a tokenised batch, on the model's device.</summary>
    public Tensor Encode(TokenBatch batch)
    {
        using var _ = no_grad();
        var device = Model.parameters().First().device;
        using var ids = batch.InputIds.to(device);
        using var mask = batch.AttentionMask.to(device);
        using var types = batch.TokenTypeIds.to(device);
        return Model.Forward(ids, mask, types);
    }

    /// <summary>
    /// One embedding per text, as rows of floats. <paramref name="pooling"/> null uses the folder's.
    /// </summary>
    public float[][] Embed(IReadOnlyList<string> texts, Pooling? pooling = null, bool normalize = true)
    {
        using var scope = NewDisposeScope();
        using var batch = Tokenizer.EncodeBatch(texts);
        var hidden = Encode(batch).cpu();
        var pooled = (pooling ?? Pooling) == Pooling.Mean
            ? BertModel.MeanPool(hidden, batch.AttentionMask, normalize)
            : BertModel.ClsPool(hidden, normalize);
        var flat = pooled.contiguous().data<float>().ToArray();
        int width = (int)pooled.shape[1];
        return Enumerable.Range(0, texts.Count).Select(i => flat[(i * width)..((i + 1) * width)]).ToArray();
    }

    /// <summary>Frees the model.</summary>
    public void Dispose() => Model.Dispose();

    /// <summary>Writes sentence-transformers' <c>1_Pooling/config.json</c> into a model folder.</summary>
    public static void WritePooling(string folder, int width, Pooling pooling)
    {
        var dir = Directory.CreateDirectory(Path.Combine(folder, "1_Pooling")).FullName;
        File.WriteAllText(Path.Combine(dir, "config.json"), new JsonObject
        {
            ["word_embedding_dimension"] = width,
            ["pooling_mode_cls_token"] = pooling == Pooling.Cls,
            ["pooling_mode_mean_tokens"] = pooling == Pooling.Mean,
            ["pooling_mode_max_tokens"] = false,
            ["pooling_mode_mean_sqrt_len_tokens"] = false,
        }.ToJsonString() + "\n");
    }

    /// <summary>The pooling a folder declares in <c>1_Pooling/config.json</c>; mean when it has none.</summary>
    public static Pooling ReadPooling(string folder)
    {
        var path = Path.Combine(folder, "1_Pooling", "config.json");
        if (!File.Exists(path)) return Pooling.Mean;
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
            bool Flag(string key) => json?[key] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
            if (Flag("pooling_mode_cls_token")) return Pooling.Cls;
            if (Flag("pooling_mode_mean_tokens")) return Pooling.Mean;
            throw new NeuroLensException($"{path}: only mean and [CLS] pooling are supported");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new NeuroLensException($"{path}: not valid JSON: {e.Message.Split('\n')[0]}", e);
        }
    }
}
