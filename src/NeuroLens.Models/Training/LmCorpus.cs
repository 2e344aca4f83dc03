using System.Text;
using NeuroLens.Core;
using NeuroLens.Models.Tokenizers;

namespace NeuroLens.Models.Training;

/// <summary>
/// The training text of <c>lm train</c>: text files (a folder stands for every file under it, in ordinal
/// path order), each a document, tokenized line by line (each line with its newline, as
/// <see cref="BpeTrainer"/> counts words) and joined into one token stream with the end-of-text id after
/// every document; the stream's tail becomes the validation text.
/// </summary>
public static class LmCorpus
{
    /// <summary>The files of the given files and folders, folders expanded recursively (ordinal order), duplicates removed.</summary>
    public static IReadOnlyList<string> ResolveFiles(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (File.Exists(path)) files.Add(Path.GetFullPath(path));
            else if (Directory.Exists(path))
            {
                var inside = Directory.GetFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => !Path.GetFileName(f).StartsWith('.')).Select(Path.GetFullPath).Order(StringComparer.Ordinal).ToList();
                if (inside.Count == 0) throw new NeuroLensException($"{path}: the corpus folder holds no files");
                files.AddRange(inside);
            }
            else throw new NeuroLensException($"{path}: no such corpus file or folder");
        }
        if (files.Count == 0) throw new NeuroLensException("--corpus: give at least one text file or folder");
        return files.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The token stream of <paramref name="files"/>: each file's lines' ids, then <paramref name="endOfText"/>.</summary>
    public static int[] Tokenize(IReadOnlyList<string> files, ITextTokenizer tokenizer, int endOfText)
    {
        var ids = new List<int>();
        foreach (var file in files)
        {
            try
            {
                using var reader = new StreamReader(file, Encoding.UTF8);
                while (reader.ReadLine() is { } line) ids.AddRange(tokenizer.Encode(line + "\n", addSpecialTokens: false));
            }
            catch (IOException e)
            {
                throw new NeuroLensException($"{file}: cannot read the corpus file ({e.Message.Split('\n')[0]})", e);
            }
            ids.Add(endOfText);
        }
        return [.. ids];
    }

    /// <summary>
    /// Splits the stream into training and validation: the last <paramref name="validationFraction"/> of the
    /// tokens (at least <paramref name="minValidation"/>) are held out.
    /// </summary>
    public static (int[] Train, int[] Validation) Split(int[] tokens, double validationFraction, int minValidation)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new NeuroLensException($"validation fraction {validationFraction}: expected between 0 and 1");
        int held = Math.Max(minValidation, (int)Math.Ceiling(tokens.Length * validationFraction));
        if (held >= tokens.Length / 2)
            throw new NeuroLensException($"the corpus has {tokens.Length} tokens: too few to hold out {held} for validation and train on the rest; give more text or a shorter --context");
        return (tokens[..^held], tokens[^held..]);
    }
}
