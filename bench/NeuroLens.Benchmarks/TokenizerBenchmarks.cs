using System.Text;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.Tokenizers;
using NeuroLens.Models.Text;
using NeuroLens.Models.Tokenizers;

namespace NeuroLens.Benchmarks;

/// <summary>
/// Byte-level BPE on ~5 MB of text, one thread: <see cref="Train"/> trains a 4,096-token vocabulary
/// (pre-tokenization and word counting included); <see cref="EncodeNeuroLens"/> encodes the whole text
/// with the trained tokenizer (word cache warm) and <see cref="EncodeMicrosoftML"/> does the same with
/// Microsoft.ML.Tokenizers' byte-level <c>BpeTokenizer</c> on the same vocabulary and merges (the ids are
/// equal, see ByteLevelBpeParityTests). Texts: "zipf" — 5 MB of sentences of Zipf-distributed
/// pseudo-words (about 60,000 distinct words), so that 4,096 merges are all used; "built-in" — the
/// built-in concept corpus (<c>neurolens corpus make --megabytes 5</c>), whose ~700 distinct words
/// saturate at about 2,250 tokens.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessConfig))]
public class TokenizerBenchmarks
{
    private string[] _lines = [];
    private ByteLevelBpeTokenizer _tokenizer = null!;
    private BpeTokenizer _reference = null!;

    /// <summary>The text.</summary>
    [Params("zipf", "built-in")]
    public string Text { get; set; } = "zipf";

    /// <summary>Makes the text and trains the tokenizer the encoders use.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _lines = Text == "zipf" ? ZipfLines(5_000_000) : new CorpusGenerator(0).Paragraphs(null, 5_000_000).Select(p => p + "\n").ToArray();
        _tokenizer = BpeTrainer.TrainTexts(_lines, 4096);
        var special = new Dictionary<string, int> { [BpeTrainer.EndOfText] = 0 };
        _reference = BpeTokenizer.Create(new BpeOptions(_tokenizer.Vocabulary)
        {
            Merges = _tokenizer.Merges.Select(m => $"{m.First} {m.Second}"),
            ByteLevel = true,
            SpecialTokens = special,
            PreTokenizer = new RegexPreTokenizer(new Regex(ByteLevelPreTokenizer.Gpt2Pattern), special),
        });
        Console.WriteLine($"// {Text}: {_lines.Sum(l => (long)Encoding.UTF8.GetByteCount(l))} bytes, vocabulary {_tokenizer.VocabSize}, " +
                          $"{EncodeNeuroLens()} tokens (Microsoft.ML: {EncodeMicrosoftML()})");
    }

    /// <summary>Trains 4,096 tokens on the text.</summary>
    [Benchmark]
    public int Train() => BpeTrainer.TrainTexts(_lines, 4096).VocabSize;

    /// <summary>Encodes the text with NeuroLens's tokenizer.</summary>
    [Benchmark]
    public long EncodeNeuroLens()
    {
        long n = 0;
        foreach (var line in _lines) n += _tokenizer.Encode(line, addSpecialTokens: false).Count;
        return n;
    }

    /// <summary>Encodes the text with Microsoft.ML.Tokenizers.</summary>
    [Benchmark]
    public long EncodeMicrosoftML()
    {
        long n = 0;
        foreach (var line in _lines) n += _reference.EncodeToIds(line).Count;
        return n;
    }

    // Sentences of 5–15 pseudo-words drawn from a Zipf(1.1) law over 200,000 syllable words, until `bytes`.
    private static string[] ZipfLines(long bytes)
    {
        string[] syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ber", "dan", "fel", "gor", "hin", "jul", "mar", "nos", "pel", "quin", "ros", "tal", "ur", "ve", "wen", "xo", "yal", "zed"];
        var rng = new Random(11);
        const int words = 200_000;
        var cumulative = new double[words];
        double sum = 0;
        for (int i = 0; i < words; i++) cumulative[i] = sum += 1.0 / Math.Pow(i + 1, 1.1);
        string Word(int rank)
        {
            var r = new Random(rank);
            var sb = new StringBuilder();
            int n = 1 + r.Next(4);
            for (int k = 0; k < n; k++) sb.Append(syllables[r.Next(syllables.Length)]);
            return sb.ToString();
        }
        var lines = new List<string>();
        long total = 0;
        while (total < bytes)
        {
            var sb = new StringBuilder();
            int n = 5 + rng.Next(11);
            for (int k = 0; k < n; k++)
            {
                int rank = Array.BinarySearch(cumulative, rng.NextDouble() * sum);
                if (rank < 0) rank = ~rank;
                string w = Word(Math.Min(rank, words - 1));
                sb.Append(k == 0 ? char.ToUpperInvariant(w[0]) + w[1..] : " " + w);
            }
            sb.Append(rng.Next(5) == 0 ? ".\n" : ". ");
            lines.Add(sb.ToString());
            total += sb.Length;
        }
        return lines.ToArray();
    }
}
