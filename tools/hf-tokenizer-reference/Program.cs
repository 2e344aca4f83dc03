// Usage: HfTokenizerReference TOKENIZER_JSON TEXTS_JSONL
//   Prints a JSON object {"ids": [[...], ...], "decoded": ["...", ...]}: for each text (one JSON string per line
//   of TEXTS_JSONL) the ids Hugging Face tokenizers gives and its decoding of them.
// Usage: HfTokenizerReference time TOKENIZER_JSON TEXT_FILE [REPEATS]
//   Times encoding every line (with its newline) of TEXT_FILE, one thread, by HF tokenizers and by NeuroLens
//   (word cache warm after the first pass), REPEATS times each (default 5), and prints the medians.
using System.Diagnostics;
using System.Text.Json;
using Tokenizers.DotNet;

if (args.Length >= 3 && args[0] == "time")
{
    var lines = File.ReadLines(args[2]).Select(l => l + "\n").ToArray();
    int repeats = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 5;
    var hf = new Tokenizer(vocabPath: args[1]);
    var ours = NeuroLens.Models.Tokenizers.TokenizerJson.Read(args[1]);
    long bytes = lines.Sum(l => (long)System.Text.Encoding.UTF8.GetByteCount(l));
    double Median(Func<long> encode, out long tokens)
    {
        encode(); // warm-up
        var times = new List<double>();
        tokens = 0;
        for (int r = 0; r < repeats; r++)
        {
            var sw = Stopwatch.StartNew();
            tokens = encode();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
    double hfMs = Median(() => lines.Sum(l => (long)hf.Encode(l).Length), out long hfTokens);
    double nlMs = Median(() => lines.Sum(l => (long)ours.Encode(l, addSpecialTokens: false).Count), out long nlTokens);
    Console.WriteLine($"{bytes} bytes, {lines.Length} lines, {repeats} repeats (median)");
    Console.WriteLine($"HF tokenizers (Tokenizers.DotNet 1.4.1): {hfMs:F0} ms, {hfTokens} tokens, {bytes / hfMs / 1e3:F2} MB/s");
    Console.WriteLine($"NeuroLens ByteLevelBpeTokenizer:        {nlMs:F0} ms, {nlTokens} tokens, {bytes / nlMs / 1e3:F2} MB/s");
    return;
}

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
