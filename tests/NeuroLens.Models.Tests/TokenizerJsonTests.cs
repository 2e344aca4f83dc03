using NeuroLens.Core;
using NeuroLens.Models.Tokenizers;

namespace NeuroLens.Models.Tests;

public sealed class TokenizerJsonTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private const string Vocab = """{"!": 0, "a": 1, "b": 2, "Ġ": 3, "ab": 4, "Ġab": 5, "<|endoftext|>": 6}""";

    private static string Json(string merges = """["a b", "Ġ ab"]""", string vocab = Vocab, string pre = """{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}""",
        string extra = "", string model = "\"type\": \"BPE\"") => $$$"""
        {"version": "1.0", "added_tokens": [{"id": 6, "content": "<|endoftext|>", "special": true}], "normalizer": {"type": "NFC"},
         "pre_tokenizer": {{{pre}}}, "post_processor": {"type": "ByteLevel"}, "decoder": {"type": "ByteLevel"}{{{extra}}},
         "model": {{{{model}}}, "dropout": null, "unk_token": null, "vocab": {{{vocab}}}, "merges": {{{merges}}}}}
        """;

    private string Write(string text)
    {
        File.WriteAllText(_folder.File("tokenizer.json"), text);
        return _folder.File("tokenizer.json");
    }

    [Fact]
    public void ReadsBothMergeFormatsAndASplitSequence()
    {
        var strings = TokenizerJson.Read(Write(Json()));
        Assert.Equal([4, 5, 6], strings.Encode("ab ab<|endoftext|>"));
        var pairs = TokenizerJson.Read(Write(Json(merges: """[["a", "b"], ["Ġ", "ab"]]""")));
        Assert.Equal(strings.Merges, pairs.Merges);
        var sequence = TokenizerJson.Read(Write(Json(pre: """
            {"type": "Sequence", "pretokenizers": [
              {"type": "Split", "pattern": {"Regex": " ?[a-z]+|\\s+"}, "behavior": "Isolated", "invert": false},
              {"type": "ByteLevel", "add_prefix_space": true, "use_regex": false}]}
            """)));
        Assert.Equal([5, 5], sequence.Encode("ab ab"));
        Assert.True(sequence.PreTokenizer.AddPrefixSpace);
    }

    [Fact]
    public void ReadsATemplatePostProcessor()
    {
        var t = TokenizerJson.Read(Write(Json().Replace("\"post_processor\": {\"type\": \"ByteLevel\"}",
            "\"post_processor\": " + """{"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<|endoftext|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}]}""")));
        Assert.Equal([6, 4], t.Encode("ab"));
        Assert.Equal([4], t.Encode("ab", addSpecialTokens: false));
    }

    public static TheoryData<string, string> Malformed() => new()
    {
        { "{\"model\": {\"type\": \"BPE\", \"vocab\": {", "not valid JSON" },
        { "[1, 2]", "not a JSON object" },
        { Json(model: "\"type\": \"Unigram\""), "model type \"Unigram\" is not supported" },
        { Json(model: "\"type\": \"WordPiece\""), "model type \"WordPiece\" is not supported" },
        { Json(merges: """["a c"]"""), "names 'c', which is not in the vocabulary" },
        { Json(merges: """["b a"]"""), "makes 'ba', which is not in the vocabulary" },
        { Json(merges: """["a  b"]"""), "expected two tokens separated by one space" },
        { Json(merges: """[["a"]]"""), "expected \"a b\" or [\"a\", \"b\"]" },
        { Json(merges: "{}"), "model.merges is not an array" },
        { Json(vocab: """{"a": -1}""", merges: "[]"), "expected an integer ≥ 0" },
        { Json(vocab: """{"a": 1e30}""", merges: "[]"), "expected an integer ≥ 0" },
        { Json(vocab: """{"a": 1, "b": 1}""", merges: "[]"), "id 1 is given to both" },
        { Json(vocab: "[]"), "model.vocab is missing" },
        { Json(pre: """{"type": "Metaspace", "replacement": "▁"}"""), "Metaspace pre-tokenizer (Llama/SentencePiece style) is not supported yet" },
        { Json(model: "\"type\": \"BPE\", \"byte_fallback\": true"), "byte_fallback" },
        { Json(pre: """{"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": "(?<"}, "behavior": "Isolated", "invert": false}, {"type": "ByteLevel", "use_regex": false}]}"""), "regex does not compile" },
        { Json(pre: "{\"add_prefix_space\": true}"), "pre_tokenizer has no \"type\"" },
        { Json(pre: "{\"type\": \"ByteLevel\", \"add_prefix_space\": \"yes\"}"), "wrong JSON type" },
        { Json().Replace("\"decoder\": {\"type\": \"ByteLevel\"}", "\"decoder\": {\"type\": \"ByteFallback\"}"), "decoder \"ByteFallback\" is not supported" },
        { new string('[', 100_000), "not valid JSON" },
        { Json(extra: ", \"decoder\": {\"type\": \"ByteLevel\"}"), "" }, // a repeated key: refused, whatever the wording
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedFilesAreRefusedNamingTheFile(string text, string message)
    {
        var path = Write(text);
        var e = Assert.Throws<NeuroLensException>(() => TokenizerLoader.Load(_folder.Path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void LoaderFallsBackToWordPieceAndSaysWhatIsMissing()
    {
        Assert.Contains("neither tokenizer.json", Assert.Throws<NeuroLensException>(() => TokenizerLoader.Load(_folder.Path)).Message);
        File.WriteAllLines(_folder.File("vocab.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello"]);
        var t = TokenizerLoader.Load(_folder.Path);
        Assert.IsType<WordPieceTokenizer>(t);
        Assert.Equal(6, t.VocabSize);
        Assert.Equal([2, 5, 3], t.Encode("hello"));
    }
}
