using System.Text;
using NeuroLens.Core;
using NeuroLens.Core.IO;
using NeuroLens.Models.Tokenizers;

namespace NeuroLens.Models.Text;

/// <summary>
/// Writes a corpus folder for small-LM training and the Emergence study: <c>train.txt</c>, <c>validation.txt</c>,
/// <c>categories.tsv</c> (the built-in concepts) and a byte-level BPE tokenizer trained on train.txt
/// (<c>tokenizer.json</c>, <c>tokenizer_config.json</c>, <c>special_tokens_map.json</c>). The text is generated
/// (<see cref="CorpusGenerator"/>, one paragraph per line) or taken from user files, split by blocks of lines.
/// Validation gets every block whose index i makes ⌊(i+1)f⌋ &gt; ⌊if⌋ — an exact, evenly spread share f — and
/// at least one block when f &gt; 0 and there are two or more.
/// </summary>
public static class CorpusBuilder
{
    /// <summary>Makes the corpus folder; returns what it wrote.</summary>
    public static CorpusSummary Make(CorpusOptions options, IProgress<string>? progress = null)
    {
        Validate(options);
        Directory.CreateDirectory(options.OutFolder);
        string train = Path.Combine(options.OutFolder, "train.txt"), validation = Path.Combine(options.OutFolder, "validation.txt");
        var concepts = ConceptCategories.BuiltIn;
        var trainCounts = new Counts(concepts);
        var validationCounts = new Counts(concepts);
        long trainLines = 0, validationLines = 0;
        long? sentences = null;

        IEnumerable<IReadOnlyList<string>> blocks;
        if (options.FromFiles.Count == 0)
        {
            long? maxChars = options.Megabytes is { } mb ? (long)Math.Ceiling(mb * 1e6) : null;
            var generator = new CorpusGenerator(options.Seed);
            var paragraphs = generator.Paragraphs(options.Sentences, maxChars).ToList(); // ~MB of strings; bounded by the request
            sentences = paragraphs.Sum(CountSentences);
            blocks = paragraphs.Select(p => (IReadOnlyList<string>)[p]);
            progress?.Report($"generated {paragraphs.Count} paragraphs");
        }
        else blocks = FileBlocks(options.FromFiles, options.BlockLines);

        var all = blocks.ToList();
        var toValidation = ValidationBlocks(all.Count, options.ValidationFraction);
        AtomicFile.Write(train, ts =>
        {
            AtomicFile.Write(validation, vs =>
            {
                using var tw = new StreamWriter(ts, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
                using var vw = new StreamWriter(vs, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
                for (int i = 0; i < all.Count; i++)
                {
                    bool v = toValidation(i);
                    foreach (var line in all[i])
                    {
                        (v ? vw : tw).Write(line);
                        (v ? vw : tw).Write('\n');
                        (v ? validationCounts : trainCounts).Add(line);
                        if (v) validationLines++; else trainLines++;
                    }
                }
            });
        });
        if (trainLines == 0) throw new NeuroLensException($"{options.OutFolder}: the corpus has no training text");

        concepts.WriteTsv(Path.Combine(options.OutFolder, "categories.tsv"));
        progress?.Report("training the tokenizer");
        var tokenizer = BpeTrainer.TrainFiles([train], options.TokenizerVocab);
        TokenizerJson.WriteFolder(tokenizer, options.OutFolder, BpeTrainer.EndOfText);

        string source = options.FromFiles.Count == 0 ? "generated" : string.Join(", ", options.FromFiles);
        var categories = concepts.Categories.Select(c => new CategoryCount(c, concepts.WordsOf[c].Count, trainCounts.ByCategory[c],
            validationCounts.ByCategory[c], trainCounts.Seen.Count(w => concepts.CategoryOf[w] == c))).ToList();
        return new CorpusSummary(source, trainLines, validationLines, sentences, new FileInfo(train).Length, new FileInfo(validation).Length,
            CountTokens(tokenizer, train), CountTokens(tokenizer, validation), tokenizer.VocabSize, categories);
    }

    /// <summary>Whether block i of n goes to validation, for share f.</summary>
    internal static Func<int, bool> ValidationBlocks(int n, double f)
    {
        bool any = Enumerable.Range(0, n).Any(i => Math.Floor((i + 1) * f) > Math.Floor(i * f));
        if (!any && f > 0 && n >= 2) return i => i == n - 1;
        return i => Math.Floor((i + 1) * f) > Math.Floor(i * f);
    }

    private static void Validate(CorpusOptions o)
    {
        bool generate = o.FromFiles.Count == 0;
        if (generate && o.Sentences is null && o.Megabytes is null) throw new ArgumentException("a sentence count or a size is needed to generate text");
        if (!generate && (o.Sentences is not null || o.Megabytes is not null)) throw new ArgumentException("a sentence count or size applies to generated text, not to user files");
        if (o.Sentences is < 1) throw new ArgumentOutOfRangeException(nameof(o.Sentences), o.Sentences, "at least 1");
        if (o.Megabytes is { } mb && !(mb > 0 && mb <= 10_000)) throw new ArgumentOutOfRangeException(nameof(o.Megabytes), mb, "in (0, 10000]");
        if (!(o.ValidationFraction >= 0 && o.ValidationFraction <= 0.5)) throw new ArgumentOutOfRangeException(nameof(o.ValidationFraction), o.ValidationFraction, "in [0, 0.5]");
        if (o.TokenizerVocab is < 257 or > 1_000_000) throw new ArgumentOutOfRangeException(nameof(o.TokenizerVocab), o.TokenizerVocab, "in [257, 1000000]");
        if (o.BlockLines < 1) throw new ArgumentOutOfRangeException(nameof(o.BlockLines), o.BlockLines, "at least 1");
        foreach (var f in o.FromFiles)
            if (!File.Exists(f)) throw new NeuroLensException($"{f}: no such text file");
    }

    private static IEnumerable<IReadOnlyList<string>> FileBlocks(IReadOnlyList<string> files, int blockLines)
    {
        foreach (var file in files)
        {
            var block = new List<string>(blockLines);
            using var reader = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            while (reader.ReadLine() is { } line)
            {
                block.Add(line);
                if (block.Count == blockLines)
                {
                    yield return block;
                    block = new List<string>(blockLines);
                }
            }
            if (block.Count > 0) yield return block;
        }
    }

    private static int CountSentences(string paragraph) =>
        paragraph.Count(c => c == '.');

    private static long CountTokens(ByteLevelBpeTokenizer tokenizer, string path)
    {
        long n = 0;
        foreach (var line in File.ReadLines(path)) n += tokenizer.Encode(line + "\n", addSpecialTokens: false).Count;
        return n;
    }

    private sealed class Counts(ConceptCategories concepts)
    {
        public Dictionary<string, long> ByCategory { get; } = concepts.Categories.ToDictionary(c => c, _ => 0L);

        public HashSet<string> Seen { get; } = [];

        public void Add(string text)
        {
            foreach (var (c, n) in concepts.CountOccurrences(text)) ByCategory[c] += n;
            foreach (var w in Words(text)) if (concepts.CategoryOf.ContainsKey(w)) Seen.Add(w);
        }

        private static IEnumerable<string> Words(string text)
        {
            int i = 0;
            while (i < text.Length)
            {
                if (!char.IsLetter(text[i])) { i++; continue; }
                int s = i;
                while (i < text.Length && char.IsLetter(text[i])) i++;
                yield return text[s..i].ToLowerInvariant();
            }
        }
    }
}
