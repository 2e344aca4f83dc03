using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using NeuroLens.Core;
using NeuroLens.Core.IO;

namespace NeuroLens.Models.Tokenizers;

/// <summary>
/// Reads and writes Hugging Face <c>tokenizer.json</c> files of byte-level BPE models (GPT-2, GPT-NeoX/Pythia,
/// and what <see cref="BpeTrainer"/> makes). Read: <c>model.type</c> "BPE" with <c>vocab</c> and <c>merges</c>
/// (either <c>"a b"</c> strings or <c>["a", "b"]</c> pairs); <c>pre_tokenizer</c> <c>ByteLevel</c>
/// (<c>add_prefix_space</c>, <c>use_regex</c>), alone or in a <c>Sequence</c> after a <c>Split</c> with a regex;
/// <c>normalizer</c> null or NFC; <c>added_tokens</c>; <c>post_processor</c> ByteLevel or TemplateProcessing
/// (its single-text template). Llama-style files (Metaspace pre-tokenizer, byte fallback, Replace normalizer)
/// are refused with a message saying so.
/// </summary>
public static class TokenizerJson
{
    /// <summary>The largest <c>tokenizer.json</c> read (bytes).</summary>
    public const long MaxFileBytes = 512L << 20;

    /// <summary>Reads a byte-level BPE <c>tokenizer.json</c>; any problem is a <see cref="NeuroLensException"/> naming the file.</summary>
    public static ByteLevelBpeTokenizer Read(string path)
    {
        if (!File.Exists(path)) throw new NeuroLensException($"{path}: no such tokenizer file");
        long size = new FileInfo(path).Length;
        if (size > MaxFileBytes) throw new NeuroLensException($"{path}: {size} bytes is larger than the {MaxFileBytes >> 20} MiB a tokenizer.json may have");
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllBytes(path), documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new NeuroLensException($"{path}: not valid JSON: {e.Message.Split('\n')[0]}", e);
        }
        try
        {
            return Parse(root as JsonObject ?? throw Bad("the top level is not a JSON object"));
        }
        catch (FormatException e)
        {
            throw new NeuroLensException($"{path}: {e.Message}", e);
        }
        catch (System.Text.RegularExpressions.RegexParseException e)
        {
            throw new NeuroLensException($"{path}: the pre-tokenizer's regex does not compile in .NET ({e.Message.Split('\n')[0]})", e);
        }
        catch (ArgumentException e)
        {
            throw new NeuroLensException($"{path}: {e.Message.Split(" (Parameter")[0]}", e);
        }
        catch (InvalidOperationException e)
        {
            throw new NeuroLensException($"{path}: a field has the wrong JSON type ({e.Message.Split('\n')[0]})", e);
        }
    }

    private static FormatException Bad(string what) => new(what);

    private static ByteLevelBpeTokenizer Parse(JsonObject root)
    {
        var model = root["model"] as JsonObject ?? throw Bad("has no \"model\" object");
        string type = model["type"]?.GetValue<string>() ?? (model["merges"] is not null ? "BPE" : "");
        if (type != "BPE")
            throw Bad($"model type \"{type}\" is not supported; NeuroLens reads byte-level BPE tokenizer.json files (or a WordPiece vocab.txt)");
        if (model["byte_fallback"] is JsonValue fb && fb.GetValue<bool>())
            throw Bad("a Llama-style BPE with byte_fallback (<0xNN> tokens) is not supported yet; only byte-level BPE (GPT-2, GPT-NeoX/Pythia) is");
        if (model["continuing_subword_prefix"] is JsonValue csp && csp.GetValue<string>() is { Length: > 0 } || model["end_of_word_suffix"] is JsonValue ews && ews.GetValue<string>() is { Length: > 0 })
            throw Bad("BPE with a continuing_subword_prefix or end_of_word_suffix is not supported; only byte-level BPE is");
        if (model["dropout"] is JsonValue dv && dv.GetValue<double>() is > 0)
            throw Bad("BPE dropout is a training option; a tokenizer with dropout > 0 is not deterministic and is refused");

        var vocabNode = model["vocab"] as JsonObject ?? throw Bad("model.vocab is missing or not an object of token → id");
        var vocab = new Dictionary<string, int>(vocabNode.Count, StringComparer.Ordinal);
        foreach (var (token, idNode) in vocabNode)
        {
            if (idNode is not JsonValue v || !v.TryGetValue<int>(out int id) || id < 0)
                throw Bad($"model.vocab: token \"{Short(token)}\" has id {Short(idNode?.ToJsonString() ?? "null")}; expected an integer ≥ 0");
            vocab[token] = id;
        }

        var merges = new List<(string, string)>();
        if (model["merges"] is JsonArray mergeArray)
        {
            merges.Capacity = mergeArray.Count;
            for (int i = 0; i < mergeArray.Count; i++)
            {
                switch (mergeArray[i])
                {
                    case JsonValue s when s.TryGetValue<string>(out var text):
                        var parts = text.Split(' ');
                        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                            throw Bad($"model.merges[{i}] is \"{Short(text)}\"; expected two tokens separated by one space");
                        merges.Add((parts[0], parts[1]));
                        break;
                    case JsonArray pair when pair.Count == 2 && pair[0] is JsonValue a && a.TryGetValue<string>(out var first) && pair[1] is JsonValue b && b.TryGetValue<string>(out var second):
                        merges.Add((first, second));
                        break;
                    default:
                        throw Bad($"model.merges[{i}] is {Short(mergeArray[i]?.ToJsonString() ?? "null")}; expected \"a b\" or [\"a\", \"b\"]");
                }
            }
        }
        else if (model["merges"] is not null) throw Bad("model.merges is not an array");

        var added = new List<AddedToken>();
        if (root["added_tokens"] is JsonArray addedArray)
        {
            foreach (var node in addedArray)
            {
                if (node is not JsonObject o || o["id"] is not JsonValue idv || !idv.TryGetValue<int>(out int id) || id < 0 || o["content"] is not JsonValue cv || !cv.TryGetValue<string>(out var content))
                    throw Bad($"added_tokens: entry {Short(node?.ToJsonString() ?? "null")} needs an integer \"id\" ≥ 0 and a string \"content\"");
                bool special = o["special"] is JsonValue sv && sv.TryGetValue<bool>(out bool sp) && sp;
                added.Add(new AddedToken(id, content, special));
            }
        }
        else if (root["added_tokens"] is not null) throw Bad("added_tokens is not an array");

        ReadNormalizer(root["normalizer"]);
        var preTokenizer = ReadPreTokenizer(root["pre_tokenizer"]);
        ReadDecoder(root["decoder"]);
        var (prefix, suffix) = ReadPostProcessor(root["post_processor"], vocab, added);
        string? unk = model["unk_token"] is JsonValue uv && uv.TryGetValue<string>(out var u) ? u : null;
        if (unk is not null && !vocab.ContainsKey(unk)) unk = null; // HF tolerates a named but absent unk token
        return new ByteLevelBpeTokenizer(vocab, merges, added, preTokenizer, prefix, suffix, unkToken: unk);
    }

    private static void ReadNormalizer(JsonNode? node)
    {
        if (node is null) return;
        string type = TypeOf(node, "normalizer");
        if (type == "NFC") return; // texts are taken as already NFC (invariant globalization cannot normalise)
        if (type == "Sequence" && node["normalizers"] is JsonArray list)
        {
            foreach (var n in list) ReadNormalizer(n);
            return;
        }
        if (type is "Replace" or "Prepend")
            throw Bad($"a {type} normalizer (Llama/SentencePiece style, \"▁\" for spaces) is not supported yet; only byte-level BPE is");
        throw Bad($"normalizer \"{type}\" is not supported (null or NFC expected for byte-level BPE)");
    }

    private static ByteLevelPreTokenizer ReadPreTokenizer(JsonNode? node)
    {
        if (node is null) throw Bad("has no pre_tokenizer; byte-level BPE needs a ByteLevel pre-tokenizer");
        string type = TypeOf(node, "pre_tokenizer");
        if (type == "ByteLevel") return ByteLevel(node, null);
        if (type == "Metaspace")
            throw Bad("a Metaspace pre-tokenizer (Llama/SentencePiece style) is not supported yet; only byte-level BPE is");
        if (type == "Sequence" && node["pretokenizers"] is JsonArray list)
        {
            string? pattern = null;
            JsonNode? byteLevel = null;
            foreach (var item in list)
            {
                string t = TypeOf(item, "pre_tokenizer");
                if (t == "ByteLevel" && byteLevel is null) byteLevel = item;
                else if (t == "Split" && pattern is null && byteLevel is null) pattern = SplitPattern(item!);
                else throw Bad($"pre_tokenizer Sequence with {t} in that place is not supported (expected an optional Split, then ByteLevel)");
            }
            if (byteLevel is null) throw Bad("pre_tokenizer Sequence has no ByteLevel step");
            if (pattern is not null && UseRegex(byteLevel)) throw Bad("pre_tokenizer Sequence splits twice (Split, then ByteLevel with use_regex true); not supported");
            return ByteLevel(byteLevel, pattern);
        }
        throw Bad($"pre_tokenizer \"{type}\" is not supported (expected ByteLevel, or a Sequence of Split and ByteLevel)");
    }

    private static bool UseRegex(JsonNode node) => node["use_regex"] is not JsonValue v || v.GetValue<bool>();

    private static ByteLevelPreTokenizer ByteLevel(JsonNode node, string? pattern)
    {
        bool prefix = node["add_prefix_space"] is JsonValue v && v.GetValue<bool>();
        return new ByteLevelPreTokenizer(pattern ?? (UseRegex(node) ? ByteLevelPreTokenizer.Gpt2Pattern : null), prefix);
    }

    private static string SplitPattern(JsonNode node)
    {
        string behavior = node["behavior"]?.GetValue<string>() ?? "";
        if (behavior != "Isolated" || node["invert"] is JsonValue inv && inv.GetValue<bool>())
            throw Bad($"a Split pre-tokenizer with behavior \"{behavior}\" is not supported (Isolated, not inverted, expected)");
        if (node["pattern"]?["Regex"] is JsonValue r) return r.GetValue<string>();
        if (node["pattern"]?["String"] is JsonValue s) return System.Text.RegularExpressions.Regex.Escape(s.GetValue<string>());
        throw Bad("a Split pre-tokenizer has no pattern.Regex or pattern.String");
    }

    private static void ReadDecoder(JsonNode? node)
    {
        if (node is null) return;
        string type = TypeOf(node, "decoder");
        if (type is "ByteLevel") return;
        throw Bad($"decoder \"{type}\" is not supported (ByteLevel expected; Llama-style decoders are not supported yet)");
    }

    private static (List<int>, List<int>) ReadPostProcessor(JsonNode? node, Dictionary<string, int> vocab, List<AddedToken> added)
    {
        List<int> prefix = [], suffix = [];
        if (node is null) return (prefix, suffix);
        string type = TypeOf(node, "post_processor");
        if (type == "ByteLevel") return (prefix, suffix);
        if (type != "TemplateProcessing")
            throw Bad($"post_processor \"{type}\" is not supported (ByteLevel or TemplateProcessing expected)");
        var single = node["single"] as JsonArray ?? throw Bad("post_processor TemplateProcessing has no \"single\" template");
        bool seenText = false;
        foreach (var piece in single)
        {
            if (piece?["Sequence"] is not null)
            {
                if (seenText) throw Bad("post_processor template holds the text twice");
                seenText = true;
                continue;
            }
            string name = piece?["SpecialToken"]?["id"]?.GetValue<string>() ?? throw Bad("post_processor template pieces must be Sequence or SpecialToken");
            int id = added.FirstOrDefault(t => t.Content == name)?.Id ?? (vocab.TryGetValue(name, out int v) ? v : throw Bad($"post_processor template names \"{Short(name)}\", which is not a token"));
            (seenText ? suffix : prefix).Add(id);
        }
        return (prefix, suffix);
    }

    private static string TypeOf(JsonNode? node, string what) =>
        node is JsonObject o && o["type"] is JsonValue t && t.TryGetValue<string>(out var s) ? s : throw Bad($"{what} has no \"type\"");

    private static string Short(string s) => s.Length <= 40 ? s : s[..40] + "…";

    /// <summary>
    /// Writes <c>tokenizer.json</c> in GPT-2's schema (ByteLevel pre-tokenizer, post-processor and decoder,
    /// BPE model with <c>"a b"</c> merges), which Hugging Face <c>tokenizers</c> loads.
    /// </summary>
    public static void Write(ByteLevelBpeTokenizer tokenizer, string path)
    {
        var opts = new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        bool prefixSpace = tokenizer.PreTokenizer.AddPrefixSpace;
        bool gpt2 = tokenizer.PreTokenizer.Pattern == ByteLevelPreTokenizer.Gpt2Pattern;
        JsonNode preTokenizer = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = prefixSpace, ["trim_offsets"] = true, ["use_regex"] = gpt2 };
        if (!gpt2 && tokenizer.PreTokenizer.Pattern is { } pattern)
        {
            preTokenizer = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = pattern }, ["behavior"] = "Isolated", ["invert"] = false },
                    new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = prefixSpace, ["trim_offsets"] = true, ["use_regex"] = false }),
            };
        }
        if (tokenizer.Prefix.Count > 0 || tokenizer.Suffix.Count > 0)
            throw new NotSupportedException("writing a template post-processor is not implemented");
        var vocab = new JsonObject();
        foreach (var (token, id) in tokenizer.Vocabulary.OrderBy(p => p.Value)) vocab[token] = id;
        var merges = new JsonArray();
        foreach (var (a, b) in tokenizer.Merges) merges.Add($"{a} {b}");
        var added = new JsonArray();
        foreach (var t in tokenizer.AddedTokens)
            added.Add(new JsonObject { ["id"] = t.Id, ["content"] = t.Content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = !t.Special, ["special"] = t.Special });
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = null,
            ["pre_tokenizer"] = preTokenizer,
            ["post_processor"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = false, ["use_regex"] = true },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = "",
                ["end_of_word_suffix"] = "",
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["ignore_merges"] = false,
                ["vocab"] = vocab,
                ["merges"] = merges,
            },
        };
        AtomicFile.WriteAllText(path, root.ToJsonString(opts));
    }

    /// <summary>
    /// Writes the tokenizer of a Hugging Face model folder: <c>tokenizer.json</c>, and <c>tokenizer_config.json</c>
    /// and <c>special_tokens_map.json</c> as <c>GPT2TokenizerFast.save_pretrained</c> writes them, with
    /// <paramref name="specialToken"/> as BOS, EOS and unknown token (GPT-2's convention).
    /// </summary>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="folder">The folder (created if needed).</param>
    /// <param name="specialToken">The added token that is BOS/EOS/UNK, e.g. <c>&lt;|endoftext|&gt;</c>.</param>
    /// <param name="modelMaxLength">The longest input of the model, or null for HF's "no limit" value.</param>
    public static void WriteFolder(ByteLevelBpeTokenizer tokenizer, string folder, string specialToken, int? modelMaxLength = null)
    {
        if (tokenizer.FindToken(specialToken) is null) throw new ArgumentException($"'{specialToken}' is not a token of the tokenizer", nameof(specialToken));
        Directory.CreateDirectory(folder);
        Write(tokenizer, Path.Combine(folder, "tokenizer.json"));
        var opts = new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var decoder = new JsonObject();
        foreach (var t in tokenizer.AddedTokens)
            decoder[t.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
                { ["content"] = t.Content, ["lstrip"] = false, ["normalized"] = !t.Special, ["rstrip"] = false, ["single_word"] = false, ["special"] = t.Special };
        var config = new JsonObject
        {
            ["add_prefix_space"] = tokenizer.PreTokenizer.AddPrefixSpace,
            ["added_tokens_decoder"] = decoder,
            ["bos_token"] = specialToken,
            ["clean_up_tokenization_spaces"] = false,
            ["eos_token"] = specialToken,
            ["model_max_length"] = modelMaxLength is { } m ? JsonValue.Create(m) : JsonNode.Parse("1000000000000000019884624838656"),
            ["pad_token"] = specialToken,
            ["tokenizer_class"] = "GPT2Tokenizer",
            ["unk_token"] = specialToken,
        };
        AtomicFile.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), config.ToJsonString(opts));
        var map = new JsonObject { ["bos_token"] = specialToken, ["eos_token"] = specialToken, ["pad_token"] = specialToken, ["unk_token"] = specialToken };
        AtomicFile.WriteAllText(Path.Combine(folder, "special_tokens_map.json"), map.ToJsonString(opts));
    }
}
