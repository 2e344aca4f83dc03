namespace NeuroLens.Models.Tokenizers;

/// <summary>
/// GPT-2's reversible byte-to-character table (<c>bytes_to_unicode</c>): the 188 printable bytes
/// <c>!</c>…<c>~</c>, <c>¡</c>…<c>¬</c>, <c>®</c>…<c>ÿ</c> stand for themselves, and the other 68 bytes
/// (controls, space, U+007F…U+00A0, U+00AD), in increasing order, become U+0100, U+0101, … — so a space
/// is <c>Ġ</c> (U+0120) and a newline <c>Ċ</c> (U+010A). Byte-level BPE vocabularies are written in these characters.
/// </summary>
public static class ByteLevelAlphabet
{
    private static readonly char[] Chars = Build();
    private static readonly Dictionary<char, byte> Bytes = Enumerable.Range(0, 256).ToDictionary(b => Chars[b], b => (byte)b);

    /// <summary>The character that stands for byte <paramref name="b"/>.</summary>
    public static char ToChar(byte b) => Chars[b];

    /// <summary>The byte a character stands for, or false when it is not one of the 256.</summary>
    public static bool TryToByte(char c, out byte b) => Bytes.TryGetValue(c, out b);

    /// <summary>The 256 characters in byte order.</summary>
    public static IReadOnlyList<char> All => Chars;

    /// <summary>The characters standing for the bytes <paramref name="utf8"/>, one per byte.</summary>
    public static string Encode(ReadOnlySpan<byte> utf8)
    {
        var chars = new char[utf8.Length];
        for (int i = 0; i < utf8.Length; i++) chars[i] = Chars[utf8[i]];
        return new string(chars);
    }

    private static char[] Build()
    {
        var chars = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            chars[b] = printable ? (char)b : (char)next++;
        }
        return chars;
    }
}
