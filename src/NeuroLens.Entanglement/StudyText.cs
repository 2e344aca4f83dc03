namespace NeuroLens.Entanglement;

/// <summary>
/// The reproduction's built-in English text: seeded sentences from templates over small word lists
/// (people, animals, places, objects, actions, times), one sentence per line — enough variety for the
/// FFN activations of a sentence encoder, with no file or download. Same seed, same text.
/// </summary>
public static class StudyText
{
    private static readonly string[] Subjects =
    [
        "the farmer", "a young doctor", "the old teacher", "my neighbour", "the pilot", "a tired student", "the chef", "our engineer",
        "the children", "a small dog", "the grey cat", "the committee", "a famous painter", "the nurse", "the river guide", "a quiet poet",
        "the mayor", "the baker", "a local musician", "the scientist", "the detective", "a group of hikers", "the sailor", "the librarian",
    ];

    private static readonly string[] Verbs =
    [
        "repaired", "painted", "carried", "found", "described", "sold", "studied", "cleaned", "built", "lost", "opened", "measured",
        "photographed", "borrowed", "delivered", "ignored", "admired", "explained", "planted", "packed",
    ];

    private static readonly string[] Objects =
    [
        "an old bicycle", "the wooden bridge", "a basket of apples", "the broken window", "a map of the coast", "the new library",
        "a letter from home", "the red boat", "a jar of honey", "the mountain path", "a box of tools", "the village clock",
        "a loaf of bread", "the garden fence", "a bright lantern", "the kitchen table", "a pile of books", "the stone wall",
    ];

    private static readonly string[] Places =
    [
        "near the harbour", "in the market", "behind the school", "on the hill", "at the station", "beside the lake", "in the forest",
        "under the old oak", "across the valley", "in the museum", "at the edge of town", "inside the barn", "on the beach",
    ];

    private static readonly string[] Times =
    [
        "early in the morning", "after the storm", "before dinner", "during the winter", "last weekend", "at midnight",
        "on a rainy afternoon", "in the spring", "after a long day", "before the festival",
    ];

    private static readonly string[] Templates =
    [
        "{S} {V} {O} {P} {T}.",
        "{T}, {S} {V} {O} {P}.",
        "{S} {V} {O} because it was needed {P}.",
        "Nobody expected that {S} {V} {O} {T}.",
        "{S} quietly {V} {O} and then walked {P}.",
        "Was it true that {S} {V} {O} {P}?",
        "{S} and {S2} {V} {O} together {T}.",
        "{P}, {S} {V} {O} while the others waited.",
    ];

    /// <summary><paramref name="count"/> sentences, one per line.</summary>
    /// <param name="count">Number of sentences.</param>
    /// <param name="seed">Seed of the <see cref="Random"/> that picks templates and words.</param>
    public static string Sentences(int count, int seed)
    {
        var random = new Random(seed);
        var lines = new string[count];
        string Pick(string[] words) => words[random.Next(words.Length)];
        for (int i = 0; i < count; i++)
        {
            string s = Pick(Templates)
                .Replace("{S2}", Pick(Subjects)).Replace("{S}", Pick(Subjects)).Replace("{V}", Pick(Verbs))
                .Replace("{O}", Pick(Objects)).Replace("{P}", Pick(Places)).Replace("{T}", Pick(Times));
            lines[i] = char.ToUpperInvariant(s[0]) + s[1..];
        }
        return string.Join('\n', lines);
    }
}
