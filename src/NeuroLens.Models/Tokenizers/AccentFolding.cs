using System.Text;

namespace NeuroLens.Models.Tokenizers;

/// <summary>
/// BERT's accent stripping (uncased models: NFD, then drop combining marks) for the Latin, Greek and
/// Cyrillic letters. NeuroLens runs with invariant globalization, where <c>string.Normalize</c> does not
/// decompose, so precomposed letters are mapped to their base letter by a table generated from the
/// Unicode database (tools/make_accent_folding.py); combining marks already separate are dropped.
/// </summary>
internal static partial class AccentFolding
{
    private static readonly Dictionary<char, char> Map = From.Zip(To).ToDictionary(p => p.First, p => p.Second);

    /// <summary>The text with accents removed from the letters the table covers and combining marks dropped.</summary>
    public static string Strip(string text)
    {
        StringBuilder? sb = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool mark = char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.NonSpacingMark;
            if (!mark && !Map.ContainsKey(c))
            {
                sb?.Append(c);
                continue;
            }
            sb ??= new StringBuilder(text, 0, i, text.Length);
            if (!mark) sb.Append(Map[c]);
        }
        return sb?.ToString() ?? text;
    }
}
