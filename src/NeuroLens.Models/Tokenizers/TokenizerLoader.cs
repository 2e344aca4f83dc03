using NeuroLens.Core;

namespace NeuroLens.Models.Tokenizers;

/// <summary>Finds and reads the tokenizer of a model folder.</summary>
public static class TokenizerLoader
{
    /// <summary>
    /// The tokenizer of <paramref name="folder"/>: <c>tokenizer.json</c> when present (byte-level BPE), else
    /// <c>vocab.txt</c> (BERT WordPiece, with <c>tokenizer_config.json</c>'s casing). A missing or malformed
    /// file is a <see cref="NeuroLensException"/> naming it.
    /// </summary>
    /// <param name="folder">The model folder.</param>
    /// <param name="maxPositions">For WordPiece: the model's longest input, which caps the tokenizer's.</param>
    public static ITextTokenizer Load(string folder, int maxPositions = 512)
    {
        if (!Directory.Exists(folder)) throw new NeuroLensException($"{folder}: no such folder");
        string json = Path.Combine(folder, "tokenizer.json");
        if (File.Exists(json))
        {
            // A BERT folder saved by HF has both; its tokenizer.json is a WordPiece model, read from vocab.txt instead.
            if (File.Exists(Path.Combine(folder, "vocab.txt")) && IsWordPiece(json)) return WordPieceTokenizer.FromFolder(folder, maxPositions);
            return TokenizerJson.Read(json);
        }
        if (File.Exists(Path.Combine(folder, "vocab.txt"))) return WordPieceTokenizer.FromFolder(folder, maxPositions);
        throw new NeuroLensException($"{folder}: has neither tokenizer.json (byte-level BPE) nor vocab.txt (WordPiece)");
    }

    private static bool IsWordPiece(string path)
    {
        // Only the start of the file is looked at; the model type of a WordPiece file says so near "model".
        using var reader = new StreamReader(path);
        var buffer = new char[1 << 20];
        int n = reader.ReadBlock(buffer, 0, buffer.Length);
        var head = new string(buffer, 0, n);
        return head.Contains("\"WordPiece\"", StringComparison.Ordinal) && !head.Contains("\"BPE\"", StringComparison.Ordinal);
    }
}
