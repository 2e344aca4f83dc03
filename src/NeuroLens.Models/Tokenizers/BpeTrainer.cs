using System.Text;
using NeuroLens.Core;

namespace NeuroLens.Models.Tokenizers;

/// <summary>
/// Trains a byte-level BPE tokenizer as Hugging Face's <c>ByteLevelBPETokenizer</c> trainer does: texts
/// are split into words by GPT-2's pre-tokenizer and counted; the vocabulary starts with the special
/// tokens (ids 0, 1, …), then the 256 byte characters sorted by character code; then, until the
/// vocabulary is full, the most frequent adjacent pair of symbols over all words (weighted by word
/// count) is merged into a new token. Ties are broken by the smaller pair of ids (first id, then second),
/// so training is deterministic. Pair counts are kept incrementally: a merge only revisits the words
/// that contain its pair.
/// </summary>
public static class BpeTrainer
{
    /// <summary>The end-of-text token GPT-2 and Pythia use.</summary>
    public const string EndOfText = "<|endoftext|>";

    /// <summary>Counts the words of texts (as byte-alphabet strings) after GPT-2's pre-tokenization.</summary>
    public sealed class WordCounter
    {
        private readonly ByteLevelPreTokenizer _pre = new();
        private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

        /// <summary>Adds the words of one text.</summary>
        public void Add(string text)
        {
            var (t, words, _) = _pre.Split(text);
            foreach (var w in words)
            {
                var (s, n) = w.GetOffsetAndLength(t.Length);
                string key = ByteLevelAlphabet.Encode(Encoding.UTF8.GetBytes(t.Substring(s, n)));
                _counts[key] = _counts.GetValueOrDefault(key) + 1;
            }
        }

        /// <summary>Adds each line of a text file (the newline ends the line's last word, as in the file).</summary>
        public void AddFile(string path)
        {
            if (!File.Exists(path)) throw new NeuroLensException($"{path}: no such text file");
            using var reader = new StreamReader(path, Encoding.UTF8);
            while (reader.ReadLine() is { } line) Add(line + "\n");
        }

        /// <summary>The word counts so far.</summary>
        public IReadOnlyDictionary<string, long> Counts => _counts;
    }

    /// <summary>Trains on text files (each read line by line).</summary>
    public static ByteLevelBpeTokenizer TrainFiles(IEnumerable<string> paths, int vocabSize = 4096, IReadOnlyList<string>? specialTokens = null, int minFrequency = 2)
    {
        var counter = new WordCounter();
        foreach (var p in paths) counter.AddFile(p);
        return Train(counter.Counts, vocabSize, specialTokens, minFrequency);
    }

    /// <summary>Trains on in-memory texts.</summary>
    public static ByteLevelBpeTokenizer TrainTexts(IEnumerable<string> texts, int vocabSize = 4096, IReadOnlyList<string>? specialTokens = null, int minFrequency = 2)
    {
        var counter = new WordCounter();
        foreach (var t in texts) counter.Add(t);
        return Train(counter.Counts, vocabSize, specialTokens, minFrequency);
    }

    /// <summary>
    /// Trains on word counts (words in the byte alphabet). Merging stops when the vocabulary reaches
    /// <paramref name="vocabSize"/> or no pair occurs <paramref name="minFrequency"/> times.
    /// </summary>
    /// <param name="wordCounts">Each pre-tokenized word (byte-alphabet characters) and its count.</param>
    /// <param name="vocabSize">The vocabulary size wanted, special and byte tokens included (≥ 256 + specials).</param>
    /// <param name="specialTokens">Special tokens, ids 0, 1, …; default <c>&lt;|endoftext|&gt;</c>.</param>
    /// <param name="minFrequency">The least count of a pair that is merged (≥ 1).</param>
    public static ByteLevelBpeTokenizer Train(IReadOnlyDictionary<string, long> wordCounts, int vocabSize = 4096, IReadOnlyList<string>? specialTokens = null, int minFrequency = 2)
    {
        specialTokens ??= [EndOfText];
        if (vocabSize < 256 + specialTokens.Count)
            throw new ArgumentOutOfRangeException(nameof(vocabSize), vocabSize, $"at least {256 + specialTokens.Count} (the bytes and the special tokens) is needed");
        if (minFrequency < 1) throw new ArgumentOutOfRangeException(nameof(minFrequency), minFrequency, "at least 1");
        if (specialTokens.Distinct().Count() != specialTokens.Count || specialTokens.Any(s => s.Length == 0))
            throw new ArgumentException("special tokens must be distinct and non-empty", nameof(specialTokens));

        var tokens = new List<string>(vocabSize);
        tokens.AddRange(specialTokens);
        var byId = new Dictionary<char, int>();
        foreach (char c in ByteLevelAlphabet.All.Order())
        {
            byId[c] = tokens.Count;
            tokens.Add(c.ToString());
        }

        // Words as id arrays, in a fixed (ordinal) order.
        var words = wordCounts.Where(p => p.Value > 0 && p.Key.Length > 0).OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
        var symbols = new int[words.Length][];
        var freq = new long[words.Length];
        for (int w = 0; w < words.Length; w++)
        {
            string word = words[w].Key;
            symbols[w] = new int[word.Length];
            for (int i = 0; i < word.Length; i++)
                symbols[w][i] = byId.TryGetValue(word[i], out int id) ? id : throw new ArgumentException($"word '{word}' has a character outside the byte alphabet", nameof(wordCounts));
            freq[w] = words[w].Value;
        }

        var pairCounts = new Dictionary<long, long>();
        var pairWords = new Dictionary<long, HashSet<int>>();
        for (int w = 0; w < symbols.Length; w++)
            for (int i = 0; i + 1 < symbols[w].Length; i++)
            {
                long key = Key(symbols[w][i], symbols[w][i + 1]);
                pairCounts[key] = pairCounts.GetValueOrDefault(key) + freq[w];
                if (!pairWords.TryGetValue(key, out var set)) pairWords[key] = set = [];
                set.Add(w);
            }

        // Max-heap by count, then smallest pair; entries may be stale and are checked when popped.
        var queue = new PriorityQueue<long, (long Count, long Key)>(Comparer<(long Count, long Key)>.Create((x, y) =>
            x.Count != y.Count ? y.Count.CompareTo(x.Count) : x.Key.CompareTo(y.Key)));
        foreach (var (key, count) in pairCounts) queue.Enqueue(key, (count, key));

        var merges = new List<(string, string)>(vocabSize - tokens.Count);
        var tokenIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < tokens.Count; id++) tokenIds[tokens[id]] = id;
        var delta = new Dictionary<long, long>();
        while (tokens.Count < vocabSize && queue.TryDequeue(out long top, out var priority))
        {
            long current = pairCounts.GetValueOrDefault(top);
            if (current != priority.Count)
            {
                if (current > 0) queue.Enqueue(top, (current, top));
                continue;
            }
            if (current < minFrequency) break;
            int a = (int)(top >> 32), b = (int)(top & 0xFFFFFFFF);
            string joined = tokens[a] + tokens[b];
            // Two merge paths may make the same string; it keeps its first id (as in HF's trainer).
            if (!tokenIds.TryGetValue(joined, out int merged))
            {
                merged = tokens.Count;
                tokens.Add(joined);
                tokenIds[joined] = merged;
            }
            merges.Add((tokens[a], tokens[b]));

            delta.Clear();
            foreach (int w in pairWords[top].Order().ToArray())
            {
                var old = symbols[w];
                var fresh = new List<int>(old.Length);
                for (int i = 0; i < old.Length; i++)
                {
                    if (i + 1 < old.Length && old[i] == a && old[i + 1] == b)
                    {
                        fresh.Add(merged);
                        i++;
                    }
                    else fresh.Add(old[i]);
                }
                if (fresh.Count == old.Length) continue;
                for (int i = 0; i + 1 < old.Length; i++) delta[Key(old[i], old[i + 1])] = delta.GetValueOrDefault(Key(old[i], old[i + 1])) - freq[w];
                for (int i = 0; i + 1 < fresh.Count; i++)
                {
                    long key = Key(fresh[i], fresh[i + 1]);
                    delta[key] = delta.GetValueOrDefault(key) + freq[w];
                    if (!pairWords.TryGetValue(key, out var set)) pairWords[key] = set = [];
                    set.Add(w);
                }
                symbols[w] = fresh.ToArray();
            }
            foreach (var (key, d) in delta)
            {
                if (d == 0) continue;
                long count = pairCounts.GetValueOrDefault(key) + d;
                if (count <= 0)
                {
                    pairCounts.Remove(key);
                    pairWords.Remove(key);
                }
                else pairCounts[key] = count;
                if (d > 0) queue.Enqueue(key, (count, key));
            }
        }

        var vocab = new Dictionary<string, int>(tokens.Count, StringComparer.Ordinal);
        for (int id = specialTokens.Count; id < tokens.Count; id++) vocab[tokens[id]] = id;
        var added = specialTokens.Select((s, i) => new AddedToken(i, s, Special: true)).ToList();
        // HF's vocab holds the special tokens too.
        foreach (var t in added) vocab[t.Content] = t.Id;
        return new ByteLevelBpeTokenizer(vocab, merges, added, new ByteLevelPreTokenizer());
    }

    private static long Key(int a, int b) => ((long)a << 32) | (uint)b;
}
