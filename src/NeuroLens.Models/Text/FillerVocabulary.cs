namespace NeuroLens.Models.Text;

/// <summary>The non-concept words the corpus templates are filled with (none is a built-in concept word).</summary>
internal static class FillerVocabulary
{
    public static readonly string[] Names =
    [
        "Anna", "Ben", "Clara", "David", "Elena", "Felix", "Grace", "Hugo", "Iris", "Jonas", "Kate", "Leo", "Maya", "Noah", "Olga",
        "Paul", "Quinn", "Rosa", "Sam", "Tara", "Umar", "Vera", "Will", "Xenia", "Yusuf", "Zoe", "Marta", "Oscar", "Nina", "Tom",
    ];

    /// <summary>Names with the possessive pronoun each takes (by index, "her" or "his").</summary>
    public static readonly string[] Pronouns =
    [
        "her", "his", "her", "his", "her", "his", "her", "his", "her", "his", "her", "his", "her", "his", "her",
        "his", "her", "her", "his", "her", "his", "her", "his", "her", "his", "her", "her", "his", "her", "his",
    ];

    public static readonly string[] Places =
    [
        "the market", "the harbour", "the station", "the school", "the library", "the bridge", "the square", "the museum",
        "the village", "the hospital", "the stadium", "the bakery", "the church", "the beach", "the hotel", "the castle",
        "the office", "the park", "the airport", "the theatre",
    ];

    public static readonly string[] Adjectives =
    [
        "quiet", "noisy", "tiny", "huge", "old", "young", "strange", "lovely", "tired", "clever", "lazy", "brave", "gentle", "wild",
        "cold", "warm", "bright", "dark", "heavy", "light", "famous", "ordinary", "curious", "calm", "busy", "lonely", "friendly",
        "shy", "proud", "clumsy",
    ];

    public static readonly string[] Times =
    [
        "in the morning", "at noon", "in the evening", "at night", "on Monday", "on Sunday", "last week", "yesterday", "this spring",
        "every summer", "in the autumn", "before dawn",
    ];

    public static readonly string[] Verbs =
    [
        "read", "opened", "closed", "found", "wrote", "signed", "folded", "carried", "dropped", "hid", "forgot", "kept",
    ];
}
