// Usage: HfTokenizerReference TOKENIZER_JSON TEXTS_JSONL
// Prints a JSON object {"ids": [[...], ...], "decoded": ["...", ...]}: for each text (one JSON string per line
// of TEXTS_JSONL) the ids Hugging Face tokenizers gives and its decoding of them.
using System.Text.Json;
using Tokenizers.DotNet;

var tokenizer = new Tokenizer(vocabPath: args[0]);
var ids = new List<uint[]>();
var decoded = new List<string>();
foreach (var line in File.ReadLines(args[1]))
{
    if (line.Length == 0) continue;
    var text = JsonSerializer.Deserialize<string>(line)!;
    var encoded = tokenizer.Encode(text);
    ids.Add(encoded);
    decoded.Add(tokenizer.Decode(encoded));
}
Console.WriteLine(JsonSerializer.Serialize(new { ids, decoded }, new JsonSerializerOptions { WriteIndented = false }));
