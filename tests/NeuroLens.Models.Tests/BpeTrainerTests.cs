using System.Text;
using NeuroLens.Models.Tokenizers;

namespace NeuroLens.Models.Tests;

public sealed class BpeTrainerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // A deterministic English-like text of ~200 kB.
    internal static string Corpus()
    {
        string[] subjects = ["the farmer", "a teacher", "my sister", "the old dog", "our neighbour", "the captain"];
        string[] verbs = ["watched", "painted", "followed", "remembered", "carried", "described"];
        string[] objects = ["the red boat", "a small garden", "the quiet river", "seven apples", "the broken window", "a blue kite"];
        string[] tails = ["before sunrise", "in the morning", "after the storm", "near the station", "with great care", "without a word"];
        var rng = new Random(7);
        var sb = new StringBuilder();
        for (int i = 0; i < 4000; i++)
        {
            string s = $"{subjects[rng.Next(6)]} {verbs[rng.Next(6)]} {objects[rng.Next(6)]} {tails[rng.Next(6)]}.";
            sb.Append(char.ToUpperInvariant(s[0])).Append(s, 1, s.Length - 1).Append(i % 5 == 4 ? "\n" : " ");
        }
        return sb.ToString();
    }

    private static readonly Lazy<ByteLevelBpeTokenizer> Shared = new(() => BpeTrainer.TrainTexts(Corpus().Split('\n'), vocabSize: 400));

    internal static ByteLevelBpeTokenizer Trained() => Shared.Value;

    [Fact]
    public void LearnsTheMergesComputedByHand()
    {
        // Words: "ab" ×1, "Ġab" ×2, "Ġcd" ×1. Pairs: (a,b) 3, (Ġ,a) 2, (Ġ,c) 1, (c,d) 1.
        // After a+b: (Ġ,ab) 2. Then (c,d) and (Ġ,c) tie at 1; c (0x63) sorts before Ġ (U+0120), so c+d first.
        var t = BpeTrainer.TrainTexts(["ab ab ab cd"], vocabSize: 257 + 10, minFrequency: 1);
        Assert.Equal([("a", "b"), ("Ġ", "ab"), ("c", "d"), ("Ġ", "cd")], t.Merges);
        Assert.Equal(0, t.FindToken(BpeTrainer.EndOfText));
        Assert.Equal(1, t.FindToken("!")); // the byte characters follow, sorted
        Assert.Equal(257, t.FindToken("ab"));
        Assert.Equal(261, t.VocabSize);
        // With the default minimum frequency only pairs seen twice are merged.
        Assert.Equal([("a", "b"), ("Ġ", "ab")], BpeTrainer.TrainTexts(["ab ab ab cd"], vocabSize: 300).Merges);
    }

    [Fact]
    public void IsDeterministicAndFillsTheVocabulary()
    {
        var a = BpeTrainer.TrainTexts(Corpus().Split('\n'), vocabSize: 400);
        var b = BpeTrainer.TrainTexts(Corpus().Split('\n').Reverse(), vocabSize: 400);
        Assert.Equal(a.Merges, b.Merges);
        Assert.Equal(400, a.VocabSize);
        Assert.Equal(400 - 257, a.Merges.Count);
    }

    [Fact]
    public void IncrementalCountsMatchARecountAtEveryMerge()
    {
        // Independent reference: naive BPE that recounts all pairs before each merge, same tie rule.
        string text = Corpus()[..20000];
        var counter = new BpeTrainer.WordCounter();
        foreach (var line in text.Split('\n')) counter.Add(line);
        var trained = BpeTrainer.Train(counter.Counts, vocabSize: 400, minFrequency: 1);
        var ids = new Dictionary<string, int> { [BpeTrainer.EndOfText] = 0 };
        foreach (char c in ByteLevelAlphabet.All.Order()) ids[c.ToString()] = ids.Count;
        var words = counter.Counts.Select(p => (Symbols: p.Key.Select(c => c.ToString()).ToList(), Count: p.Value)).ToList();
        var expected = new List<(string, string)>();
        while (ids.Count < 400)
        {
            var counts = new Dictionary<(string, string), long>();
            foreach (var (s, n) in words)
                for (int i = 0; i + 1 < s.Count; i++) counts[(s[i], s[i + 1])] = counts.GetValueOrDefault((s[i], s[i + 1])) + n;
            if (counts.Count == 0) break;
            var best = counts.OrderByDescending(p => p.Value).ThenBy(p => ids[p.Key.Item1]).ThenBy(p => ids[p.Key.Item2]).First().Key;
            expected.Add(best);
            ids.TryAdd(best.Item1 + best.Item2, ids.Count);
            foreach (var (s, _) in words)
                for (int i = 0; i + 1 < s.Count; i++)
                    if (s[i] == best.Item1 && s[i + 1] == best.Item2)
                    {
                        s[i] += s[i + 1];
                        s.RemoveAt(i + 1);
                    }
        }
        Assert.Equal(expected, trained.Merges);
    }

    [Fact]
    public void TrainedMergesCompressTheCorpus()
    {
        string text = Corpus();
        int bytes = Encoding.UTF8.GetByteCount(text);
        int tokens = Trained().Encode(text).Count;
        Assert.True(tokens < bytes / 3, $"{tokens} tokens for {bytes} bytes");
    }

    [Fact]
    public void SavedFolderReloadsAndTokenizesIdentically()
    {
        var t = Trained();
        TokenizerJson.WriteFolder(t, _folder.Path, BpeTrainer.EndOfText, modelMaxLength: 512);
        var loaded = TokenizerLoader.Load(_folder.Path);
        string text = Corpus()[..5000] + " unseen wörds 😀<|endoftext|>";
        Assert.Equal(t.Tokenize(text), loaded.Tokenize(text));
        Assert.Equal(t.VocabSize, loaded.VocabSize);
        Assert.Equal(0, loaded.PadId);
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(_folder.File("tokenizer_config.json")))!;
        Assert.Equal("GPT2Tokenizer", (string?)config["tokenizer_class"]);
        Assert.Equal(BpeTrainer.EndOfText, (string?)config["added_tokens_decoder"]!["0"]!["content"]);
        var map = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(_folder.File("special_tokens_map.json")))!;
        Assert.Equal(BpeTrainer.EndOfText, (string?)map["eos_token"]);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(_folder.File("tokenizer.json")))!;
        Assert.Equal($"{t.Merges[0].First} {t.Merges[0].Second}", (string?)json["model"]!["merges"]![0]);
        Assert.Equal(0, (int)json["model"]!["vocab"]![BpeTrainer.EndOfText]!);
    }

    [Fact]
    public void TrainsFromFiles()
    {
        var path = _folder.File("train.txt");
        File.WriteAllText(path, Corpus());
        var fromFile = BpeTrainer.TrainFiles([path], vocabSize: 400);
        var lines = Corpus().Split('\n')[..^1].Select(l => l + "\n");
        Assert.Equal(BpeTrainer.TrainTexts(lines, vocabSize: 400).Merges, fromFile.Merges);
    }
}
