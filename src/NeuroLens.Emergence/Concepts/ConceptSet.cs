using NeuroLens.Core;

namespace NeuroLens.Emergence.Concepts;

/// <summary>
/// Concepts: categories c, each with a word list W_c (emergence.md §3). Words are compared lower-cased;
/// an entry may be a phrase of several words separated by single spaces (<c>sea lion</c>). A word may
/// belong to several categories. Categories keep the order they were given in.
/// </summary>
public sealed class ConceptSet
{
    private readonly Dictionary<string, List<int>> _categoriesOfPhrase = new(StringComparer.Ordinal);

    /// <summary>Builds a set from (category, words) pairs; empty categories are dropped.</summary>
    public ConceptSet(IEnumerable<KeyValuePair<string, IEnumerable<string>>> categories)
    {
        var names = new List<string>();
        var words = new List<IReadOnlyList<string>>();
        foreach (var (name, list) in categories)
        {
            var normalised = list.Select(Normalise).Where(w => w.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            if (normalised.Count == 0) continue;
            if (names.Contains(name)) throw new NeuroLensException($"concepts: category '{name}' is given twice");
            int index = names.Count;
            names.Add(name);
            words.Add(normalised);
            foreach (var phrase in normalised)
            {
                if (!_categoriesOfPhrase.TryGetValue(phrase, out var cats)) _categoriesOfPhrase[phrase] = cats = [];
                cats.Add(index);
                MaxPhraseWords = Math.Max(MaxPhraseWords, phrase.Count(ch => ch == ' ') + 1);
            }
        }
        if (names.Count == 0) throw new NeuroLensException("concepts: no category has any word");
        Categories = names;
        Words = words;
    }

    /// <summary>The category names.</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>The words of each category (normalised), in <see cref="Categories"/> order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Words { get; }

    /// <summary>The longest entry, in words.</summary>
    public int MaxPhraseWords { get; private set; } = 1;

    /// <summary>The categories a (normalised) word or phrase belongs to; empty when none.</summary>
    public IReadOnlyList<int> CategoriesOf(string phrase) =>
        _categoriesOfPhrase.TryGetValue(phrase, out var cats) ? cats : [];

    /// <summary>Lower-case, underscores and runs of white space as single spaces, trimmed.</summary>
    public static string Normalise(string word) =>
        string.Join(' ', word.Replace('_', ' ').ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
