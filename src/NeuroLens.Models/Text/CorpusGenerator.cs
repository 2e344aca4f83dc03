using System.Text;

namespace NeuroLens.Models.Text;

/// <summary>
/// Generates the built-in English-like corpus: sentences from 60 templates with concept slots and 10
/// without (<see cref="ConceptFreeFraction"/> of the sentences), filled from the <see cref="ConceptCategories.BuiltIn"/>
/// categories and filler words (names, places, adjectives, times, verbs), grouped into paragraphs of 3–7
/// sentences. Categories are balanced: each sentence with concepts is drawn, from the templates having a slot
/// of a target category, for the category whose words have been used least so far (ties broken by an order
/// reshuffled every 16 sentences), and of four random candidate templates the one whose other categories
/// are least used;
/// words are drawn uniformly within their category, so each word appears in many contexts. The stream is a
/// pure function of the seed.
/// </summary>
public sealed class CorpusGenerator
{
    private readonly Random _rng;
    private readonly ConceptCategories _concepts = ConceptCategories.BuiltIn;
    private readonly Dictionary<string, string[]> _templatesByCategory;
    private readonly List<string> _cycle = [];
    private readonly Dictionary<string, long> _used;
    private int _cycleAt;

    /// <summary>A generator with its own deterministic stream.</summary>
    /// <param name="seed">The seed; the same seed gives the same text.</param>
    public CorpusGenerator(int seed)
    {
        _rng = new Random(seed);
        _used = _concepts.Categories.ToDictionary(c => c, _ => 0L);
        _templatesByCategory = _concepts.Categories.ToDictionary(c => c,
            c => SentenceTemplates.WithConcepts.Where(t => SlotsOf(t).Any(s => SentenceTemplates.Slots.GetValueOrDefault(s) == c)).ToArray());
    }

    /// <summary>The share of sentences drawn from templates without concept words.</summary>
    public double ConceptFreeFraction { get; init; } = 0.15;

    /// <summary>The number of templates with concept slots and without.</summary>
    public static (int WithConcepts, int WithoutConcepts) TemplateCounts => (SentenceTemplates.WithConcepts.Length, SentenceTemplates.WithoutConcepts.Length);

    /// <summary>The next sentence.</summary>
    public string NextSentence()
    {
        if (_rng.NextDouble() < ConceptFreeFraction)
            return Fill(SentenceTemplates.WithoutConcepts[_rng.Next(SentenceTemplates.WithoutConcepts.Length)]);
        // The target is the category with the fewest words so far (ties: first in a reshuffled order), which
        // also makes up for the extra words other slots of the chosen templates add.
        if (_cycleAt == 0)
        {
            _cycle.Clear();
            _cycle.AddRange(_concepts.Categories);
            for (int i = _cycle.Count - 1; i > 0; i--)
            {
                int j = _rng.Next(i + 1);
                (_cycle[i], _cycle[j]) = (_cycle[j], _cycle[i]);
            }
        }
        _cycleAt = (_cycleAt + 1) % _cycle.Count;
        string target = _cycle.MinBy(c => _used[c])!;
        // Of four random templates for the target, the one whose busiest other category is least used.
        var candidates = _templatesByCategory[target];
        string best = candidates[_rng.Next(candidates.Length)];
        long bestScore = Score(best, target);
        for (int k = 0; k < 3; k++)
        {
            string t = candidates[_rng.Next(candidates.Length)];
            long score = Score(t, target);
            if (score < bestScore) (best, bestScore) = (t, score);
        }
        return Fill(best);
    }

    /// <summary>
    /// Paragraphs until <paramref name="maxSentences"/> sentences or <paramref name="maxCharacters"/> characters
    /// (counting one newline per paragraph) are reached, whichever comes first (null: no limit of that kind;
    /// at least one must be given). The last paragraph is cut to the sentence limit.
    /// </summary>
    public IEnumerable<string> Paragraphs(long? maxSentences, long? maxCharacters)
    {
        if (maxSentences is null && maxCharacters is null) throw new ArgumentException("a sentence or character limit is needed");
        long sentences = 0, characters = 0;
        while ((maxSentences is null || sentences < maxSentences) && (maxCharacters is null || characters < maxCharacters))
        {
            int n = _rng.Next(3, 8);
            if (maxSentences is { } ms) n = (int)Math.Min(n, ms - sentences);
            var sb = new StringBuilder();
            for (int i = 0; i < n; i++)
            {
                if (i > 0) sb.Append(' ');
                sb.Append(NextSentence());
            }
            sentences += n;
            characters += sb.Length + 1;
            yield return sb.ToString();
        }
    }

    private string Fill(string template)
    {
        var sb = new StringBuilder(template.Length + 40);
        string? pronoun = null;
        int at = 0;
        while (at < template.Length)
        {
            int open = template.IndexOf('{', at);
            if (open < 0)
            {
                sb.Append(template, at, template.Length - at);
                break;
            }
            sb.Append(template, at, open - at);
            int close = template.IndexOf('}', open);
            string slot = template[(open + 1)..close];
            bool article = slot.StartsWith("a ", StringComparison.Ordinal);
            if (article) slot = slot[2..];
            string word;
            switch (slot)
            {
                case "name":
                    int k = _rng.Next(FillerVocabulary.Names.Length);
                    word = FillerVocabulary.Names[k];
                    pronoun = FillerVocabulary.Pronouns[k];
                    break;
                case "pronoun": word = pronoun ?? (_rng.Next(2) == 0 ? "her" : "his"); break;
                case "place": word = Pick(FillerVocabulary.Places); break;
                case "adj": word = Pick(FillerVocabulary.Adjectives); break;
                case "time": word = Pick(FillerVocabulary.Times); break;
                case "verb": word = Pick(FillerVocabulary.Verbs); break;
                default:
                    var words = _concepts.WordsOf[SentenceTemplates.Slots[slot]];
                    word = words[_rng.Next(words.Count)];
                    _used[SentenceTemplates.Slots[slot]]++;
                    break;
            }
            if (article) sb.Append(Article(word)).Append(' ');
            sb.Append(word);
            at = close + 1;
        }
        if (char.IsLower(sb[0])) sb[0] = char.ToUpperInvariant(sb[0]);
        return sb.ToString();
    }

    private long Score(string template, string target) =>
        SlotsOf(template).Select(s => SentenceTemplates.Slots.GetValueOrDefault(s)).Where(c => c is not null && c != target).Select(c => _used[c!]).DefaultIfEmpty(0).Max();

    /// <summary>"a" or "an" before a lower-case word, by its first sound for the words used here.</summary>
    internal static string Article(string word) =>
        "aeiou".Contains(word[0]) && !word.StartsWith("uni", StringComparison.Ordinal) && !word.StartsWith("uk", StringComparison.Ordinal) ? "an" : "a";

    private string Pick(string[] words) => words[_rng.Next(words.Length)];

    /// <summary>The slot names of a template.</summary>
    internal static IEnumerable<string> SlotsOf(string template)
    {
        int at = 0;
        while ((at = template.IndexOf('{', at)) >= 0)
        {
            int close = template.IndexOf('}', at);
            string slot = template[(at + 1)..close];
            yield return slot.StartsWith("a ", StringComparison.Ordinal) ? slot[2..] : slot;
            at = close + 1;
        }
    }
}
