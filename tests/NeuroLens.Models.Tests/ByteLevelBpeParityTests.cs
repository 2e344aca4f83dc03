using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using NeuroLens.Models.Tokenizers;

namespace NeuroLens.Models.Tests;

/// <summary>
/// The hand-written byte-level BPE against an independent implementation: Microsoft.ML.Tokenizers'
/// <see cref="BpeTokenizer"/> with its byte-level option, GPT-2's regex and the same vocabulary and merges.
/// </summary>
public sealed class ByteLevelBpeParityTests
{
    public static TheoryData<string> Texts()
    {
        var data = new TheoryData<string>
        {
            "The farmer watched the red boat before sunrise.",
            "Crème brûlée à la carte — naïve café; don't we'll they're I'm",
            "emoji 😀👍🏽 and a family 👨‍👩‍👧 ok   spaces\t\ttabs\n\nlines  ",
            "漢字とかな、한국어, ελληνικά, кириллица 12345 3.14",
            "<|endoftext|>Seven apples<|endoftext|> near the station",
        };
        var corpus = BpeTrainerTests.Corpus();
        for (int i = 0; i < 5; i++) data.Add(corpus.Substring(i * 3001, 3000));
        return data;
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void EncodesAsMicrosoftMLTokenizersByteLevelBpe(string text)
    {
        var ours = BpeTrainerTests.Trained();
        var special = new Dictionary<string, int> { [BpeTrainer.EndOfText] = 0 };
        var options = new BpeOptions(ours.Vocabulary)
        {
            Merges = ours.Merges.Select(m => $"{m.First} {m.Second}"),
            ByteLevel = true,
            SpecialTokens = special,
            PreTokenizer = new RegexPreTokenizer(new Regex(ByteLevelPreTokenizer.Gpt2Pattern), special),
        };
        var reference = BpeTokenizer.Create(options);
        Assert.Equal(reference.EncodeToIds(text), ours.Encode(text));
    }
}
