using System.Collections.Frozen;
using System.Text;
using NeuroLens.Core;
using NeuroLens.Core.IO;

namespace NeuroLens.Models.Text;

/// <summary>
/// Concept categories (<c>emergence.md</c> §3): categories with their word lists, each word in one
/// category. Built-in: 16 categories of 30+ common lower-case English words (<see cref="BuiltIn"/>).
/// Users give their own as a TSV file, one <c>word&lt;TAB&gt;category</c> per line (<see cref="ReadTsv"/>).
/// Words are matched case-insensitively (stored lower-case).
/// </summary>
public sealed class ConceptCategories
{
    private readonly FrozenDictionary<string, string> _categoryOf;

    private ConceptCategories(FrozenDictionary<string, string> categoryOf, IReadOnlyList<string> categories, FrozenDictionary<string, IReadOnlyList<string>> words)
    {
        _categoryOf = categoryOf;
        CategoryOf = categoryOf;
        Categories = categories;
        WordsOf = words;
    }

    /// <summary>The built-in categories (animals, colours, countries, numbers, foods, professions, body parts, vehicles,
    /// musical instruments, sports, clothing, tools, plants, weather, family relations, emotions).</summary>
    public static ConceptCategories BuiltIn { get; } = FromPairs(BuiltInConcepts.Lists.SelectMany(l => l.Words.Select(w => (w, l.Category))), "built-in lists");

    /// <summary>Word (lower-case) → its category.</summary>
    public IReadOnlyDictionary<string, string> CategoryOf { get; }

    /// <summary>The categories in order of first appearance.</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>Category → its words, in order of appearance.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> WordsOf { get; }

    /// <summary>
    /// Builds categories from (word, category) pairs; words are lower-cased and trimmed. A word listed twice in
    /// the same category is kept once; in two categories it is an error (<paramref name="source"/> names where from).
    /// </summary>
    public static ConceptCategories FromPairs(IEnumerable<(string Word, string Category)> pairs, string source = "concepts")
    {
        var categoryOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        var words = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (rawWord, rawCategory) in pairs)
        {
            string word = rawWord.Trim().ToLowerInvariant(), category = rawCategory.Trim();
            if (word.Length == 0 || category.Length == 0) throw new NeuroLensException($"{source}: an empty word or category");
            if (categoryOf.TryGetValue(word, out var existing))
            {
                if (existing != category) throw new NeuroLensException($"{source}: '{word}' is in two categories, '{existing}' and '{category}'; each word may have one");
                continue;
            }
            categoryOf[word] = category;
            if (!words.TryGetValue(category, out var list))
            {
                words[category] = list = [];
                order.Add(category);
            }
            list.Add(word);
        }
        if (order.Count == 0) throw new NeuroLensException($"{source}: no concept words");
        return new ConceptCategories(categoryOf.ToFrozenDictionary(StringComparer.Ordinal), order.AsReadOnly(),
            words.ToFrozenDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value.AsReadOnly(), StringComparer.Ordinal));
    }

    /// <summary>
    /// Reads a TSV of <c>word&lt;TAB&gt;category</c> lines. Empty lines and lines starting with <c>#</c> are skipped; a first
    /// line <c>word&lt;TAB&gt;category</c> is taken as a header. Errors name the file and line.
    /// </summary>
    public static ConceptCategories ReadTsv(string path)
    {
        if (!File.Exists(path)) throw new NeuroLensException($"{path}: no such concept file");
        var pairs = new List<(string, string)>();
        int lineNumber = 0;
        using var reader = new StreamReader(path, Encoding.UTF8);
        while (ReadBoundedLine(reader, path, lineNumber + 1) is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || line.StartsWith('#') || line.Trim().Length == 0) continue;
            var fields = line.Split('\t');
            if (fields.Length != 2 || fields[0].Trim().Length == 0 || fields[1].Trim().Length == 0)
                throw new NeuroLensException($"{path}:{lineNumber}: expected 'word<TAB>category', got '{(line.Length > 60 ? line[..60] + "…" : line)}'");
            if (lineNumber == 1 && fields[0].Trim().Equals("word", StringComparison.OrdinalIgnoreCase) && fields[1].Trim().Equals("category", StringComparison.OrdinalIgnoreCase))
                continue;
            pairs.Add((fields[0], fields[1]));
        }
        if (pairs.Count == 0) throw new NeuroLensException($"{path}: no 'word<TAB>category' lines");
        try
        {
            return FromPairs(pairs, path);
        }
        catch (NeuroLensException e)
        {
            throw new NeuroLensException(e.Message, e);
        }
    }

    /// <summary>The TSV text (header line, then <c>word&lt;TAB&gt;category</c> lines by category).</summary>
    public string ToTsv()
    {
        var sb = new StringBuilder("word\tcategory\n");
        foreach (var c in Categories)
            foreach (var w in WordsOf[c]) sb.Append(w).Append('\t').Append(c).Append('\n');
        return sb.ToString();
    }

    /// <summary>Writes <see cref="ToTsv"/> to a file (atomically).</summary>
    public void WriteTsv(string path) => AtomicFile.WriteAllText(path, ToTsv());

    /// <summary>The category of a word (any case), or null.</summary>
    public string? Find(string word) => CategoryOf.GetValueOrDefault(word.ToLowerInvariant());

    /// <summary>How often each category's words occur in a text (words are runs of letters, case-insensitive).</summary>
    public Dictionary<string, long> CountOccurrences(string text)
    {
        var counts = Categories.ToDictionary(c => c, _ => 0L, StringComparer.Ordinal);
        var lookup = _categoryOf.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> lower = stackalloc char[64];
        int i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetter(text[i])) { i++; continue; }
            int start = i;
            while (i < text.Length && (char.IsLetter(text[i]) || text[i] == '-' && i + 1 < text.Length && char.IsLetter(text[i + 1]))) i++;
            int n = i - start;
            if (n > lower.Length) continue;
            text.AsSpan(start, n).ToLowerInvariant(lower);
            if (lookup.TryGetValue(lower[..n], out var category)) counts[category]++;
        }
        return counts;
    }

    private static string? ReadBoundedLine(StreamReader reader, string path, int lineNumber)
    {
        // Lines are short; a file without newlines must not be read into one unbounded string.
        var sb = new StringBuilder();
        while (true)
        {
            int c = reader.Read();
            if (c < 0) return sb.Length == 0 ? null : sb.ToString();
            if (c == '\n') return sb.ToString().TrimEnd('\r');
            if (sb.Length >= 4096) throw new NeuroLensException($"{path}:{lineNumber}: line longer than 4096 characters; expected 'word<TAB>category' lines");
            sb.Append((char)c);
        }
    }
}
