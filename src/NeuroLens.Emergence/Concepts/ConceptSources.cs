using NeuroLens.Core;
using NeuroLens.Models.Text;

namespace NeuroLens.Emergence.Concepts;

/// <summary>Where concept categories come from, as the <c>--concepts</c> option names them.</summary>
public static class ConceptSources
{
    /// <summary>
    /// <c>built-in</c>: the built-in categories (<see cref="ConceptCategories.BuiltIn"/>, the corpus generator's);
    /// <c>wordnet:FOLDER</c> (every noun lexicographer category) or <c>wordnet:FOLDER:noun.animal,dog.n.01</c>;
    /// otherwise a TSV file of <c>word&lt;TAB&gt;category</c> lines (<see cref="ConceptCategories.ReadTsv"/>).
    /// </summary>
    public static ConceptSet Open(string specification)
    {
        if (specification is "built-in" or "builtin") return FromCategories(ConceptCategories.BuiltIn);
        if (specification.StartsWith("wordnet:", StringComparison.Ordinal))
        {
            var rest = specification["wordnet:".Length..];
            // The folder may itself contain ':'; the category list is what follows the last ':' when that is not a folder.
            int colon = rest.LastIndexOf(':');
            if (colon > 0 && !Directory.Exists(rest))
                return WordNetConcepts.Load(rest[..colon], rest[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            return WordNetConcepts.Load(rest, []);
        }
        if (!File.Exists(specification))
            throw new NeuroLensException($"--concepts: '{specification}' is not built-in, wordnet:FOLDER[:CATEGORIES] or an existing TSV file");
        return FromCategories(ConceptCategories.ReadTsv(specification));
    }

    /// <summary>A concept set with the categories and words of <paramref name="categories"/>.</summary>
    public static ConceptSet FromCategories(ConceptCategories categories) =>
        new(categories.Categories.Select(c => new KeyValuePair<string, IEnumerable<string>>(c, categories.WordsOf[c])));
}
