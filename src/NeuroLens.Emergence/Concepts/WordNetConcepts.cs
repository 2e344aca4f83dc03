using System.Globalization;
using NeuroLens.Core;

namespace NeuroLens.Emergence.Concepts;

/// <summary>
/// Concept categories from a WordNet 3.x database folder (the <c>dict</c> folder: <c>data.noun</c>,
/// <c>index.noun</c>, …; Debian's <c>wordnet-base</c> installs it at <c>/usr/share/wordnet</c>).
/// </summary>
/// <remarks>
/// Two kinds of category. A lexicographer file (<c>noun.animal</c>, <c>noun.food</c>, <c>verb.motion</c>):
/// every lemma of every synset whose <c>lex_filenum</c> field in <c>data.POS</c> names that file (numbers
/// mapped through the database's <c>lexnames</c> file, or the standard WordNet 3.0 table when it is
/// missing). A synset written as <c>lemma.pos.NN</c> (<c>dog.n.01</c>, the NLTK naming: the NN-th sense
/// of the lemma in <c>index.POS</c>): the lemmas of that synset and of every synset below it through
/// hyponym (<c>@</c>'s inverse, <c>~</c>) and instance-hyponym (<c>~i</c>) pointers. Lemmas are lower-cased,
/// underscores become spaces (phrases), and adjective markers such as <c>(a)</c> are dropped.
/// </remarks>
public static class WordNetConcepts
{
    private static readonly string[] StandardLexNames =
    [
        "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact", "noun.attribute", "noun.body",
        "noun.cognition", "noun.communication", "noun.event", "noun.feeling", "noun.food", "noun.group", "noun.location", "noun.motive",
        "noun.object", "noun.person", "noun.phenomenon", "noun.plant", "noun.possession", "noun.process", "noun.quantity", "noun.relation",
        "noun.shape", "noun.state", "noun.substance", "noun.time", "verb.body", "verb.change", "verb.cognition", "verb.communication",
        "verb.competition", "verb.consumption", "verb.contact", "verb.creation", "verb.emotion", "verb.motion", "verb.perception",
        "verb.possession", "verb.social", "verb.stative", "verb.weather", "adj.ppl",
    ];

    private static readonly Dictionary<string, string> PosFiles = new()
    {
        ["n"] = "noun", ["v"] = "verb", ["a"] = "adj", ["s"] = "adj", ["r"] = "adv",
    };

    /// <summary>
    /// The categories named in <paramref name="categories"/> (lexicographer files or <c>lemma.pos.NN</c> synsets);
    /// none given means every noun lexicographer file.
    /// </summary>
    public static ConceptSet Load(string folder, IReadOnlyList<string> categories)
    {
        if (!Directory.Exists(folder))
            throw new NeuroLensException($"{folder}: no such WordNet database folder (expected data.noun, index.noun, …; Debian: apt install wordnet-base → /usr/share/wordnet)");
        var lexNames = ReadLexNames(folder);
        var requested = categories.Count > 0 ? categories : lexNames.Where(n => n.StartsWith("noun.", StringComparison.Ordinal)).ToList();
        var result = new List<KeyValuePair<string, IEnumerable<string>>>();
        var synsetCache = new Dictionary<string, Dictionary<long, Synset>>();
        Dictionary<long, Synset> Synsets(string pos) =>
            synsetCache.TryGetValue(pos, out var s) ? s : synsetCache[pos] = ReadData(folder, pos);
        foreach (var name in requested)
        {
            int lexIndex = Array.IndexOf(lexNames, name);
            if (lexIndex >= 0)
            {
                string pos = name[..name.IndexOf('.')];
                var words = Synsets(pos).Values.Where(s => s.LexFile == lexIndex).SelectMany(s => s.Lemmas);
                result.Add(new(name, words.ToList()));
                continue;
            }
            var parts = name.Split('.');
            if (parts.Length < 3 || !PosFiles.TryGetValue(parts[^2], out var file) || !int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int sense) || sense < 1)
                throw new NeuroLensException($"{folder}: '{name}' is neither a lexicographer file (e.g. noun.animal) nor a synset name lemma.pos.NN (e.g. dog.n.01)");
            string lemma = string.Join('.', parts[..^2]).ToLowerInvariant().Replace(' ', '_');
            var offsets = ReadIndex(folder, file, lemma);
            if (sense > offsets.Count)
                throw new NeuroLensException($"{Path.Combine(folder, "index." + file)}: '{lemma}' has {offsets.Count} senses, not {sense}");
            var synsets = Synsets(file);
            var closure = new HashSet<long>();
            var queue = new Queue<long>([offsets[sense - 1]]);
            while (queue.Count > 0)
            {
                long offset = queue.Dequeue();
                if (!closure.Add(offset) || !synsets.TryGetValue(offset, out var synset)) continue;
                foreach (var child in synset.Hyponyms) queue.Enqueue(child);
            }
            result.Add(new(name, closure.Where(synsets.ContainsKey).SelectMany(o => synsets[o].Lemmas).ToList()));
        }
        return new ConceptSet(result);
    }

    private sealed record Synset(int LexFile, List<string> Lemmas, List<long> Hyponyms);

    private static string[] ReadLexNames(string folder)
    {
        var path = Path.Combine(folder, "lexnames");
        if (!File.Exists(path)) return StandardLexNames;
        var names = new string[StandardLexNames.Length];
        Array.Copy(StandardLexNames, names, names.Length);
        var list = names.ToList();
        foreach (var line in File.ReadLines(path))
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2 || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number > 1000) continue;
            while (list.Count <= number) list.Add("");
            list[number] = fields[1];
        }
        return [.. list];
    }

    private static Dictionary<long, Synset> ReadData(string folder, string pos)
    {
        var path = Path.Combine(folder, "data." + pos);
        if (!File.Exists(path)) throw new NeuroLensException($"{folder}: no data.{pos}; is this a WordNet database folder?");
        var synsets = new Dictionary<long, Synset>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0 || line[0] == ' ') continue; // licence header lines start with two spaces
            int bar = line.IndexOf('|');
            var f = (bar >= 0 ? line[..bar] : line).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            try
            {
                long offset = long.Parse(f[0], NumberStyles.None, CultureInfo.InvariantCulture);
                int lexFile = int.Parse(f[1], NumberStyles.None, CultureInfo.InvariantCulture);
                int words = int.Parse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                var lemmas = new List<string>(words);
                int i = 4;
                for (int w = 0; w < words; w++, i += 2)
                {
                    string lemma = f[i];
                    int paren = lemma.IndexOf('(');
                    if (paren > 0) lemma = lemma[..paren]; // adjective markers: (a), (p), (ip)
                    lemmas.Add(ConceptSet.Normalise(lemma));
                }
                int pointers = int.Parse(f[i++], NumberStyles.None, CultureInfo.InvariantCulture);
                var hyponyms = new List<long>();
                for (int p = 0; p < pointers; p++, i += 4)
                    if (f[i] is "~" or "~i")
                        hyponyms.Add(long.Parse(f[i + 1], NumberStyles.None, CultureInfo.InvariantCulture));
                synsets[offset] = new Synset(lexFile, lemmas, hyponyms);
            }
            catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException)
            {
                throw new NeuroLensException($"{path}:{lineNumber}: not a WordNet data line (offset lex_filenum ss_type w_cnt word lex_id … p_cnt pointers … | gloss)");
            }
        }
        return synsets;
    }

    private static List<long> ReadIndex(string folder, string pos, string lemma)
    {
        var path = Path.Combine(folder, "index." + pos);
        if (!File.Exists(path)) throw new NeuroLensException($"{folder}: no index.{pos}; is this a WordNet database folder?");
        foreach (var line in File.ReadLines(path))
        {
            if (!line.StartsWith(lemma + " ", StringComparison.Ordinal)) continue;
            // lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset [synset_offset...]
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int synsetCount = int.Parse(f[2], CultureInfo.InvariantCulture);
            return f.Skip(f.Length - synsetCount).Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToList();
        }
        throw new NeuroLensException($"{path}: no lemma '{lemma}'");
    }
}
