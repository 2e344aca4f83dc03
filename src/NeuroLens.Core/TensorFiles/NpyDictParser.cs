using System.Globalization;

namespace NeuroLens.Core.TensorFiles;

/// <summary>
/// A strict parser for the Python dict literal in a .npy header, such as
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }</c>. It accepts only what
/// numpy.save writes: quoted string keys, a string <c>descr</c>, <c>True</c>/<c>False</c>, a tuple of
/// non-negative integers (Python 2's <c>3L</c> suffix included), optional trailing commas, and
/// spaces or newlines after the closing brace. Nothing is evaluated.
/// </summary>
internal ref struct NpyDictParser
{
    private readonly string _where;
    private readonly string _text;
    private int _position;

    private NpyDictParser(string where, string text)
    {
        _where = where;
        _text = text;
        _position = 0;
    }

    /// <summary>Parses the dict and returns its three required values.</summary>
    internal static (string Descr, bool FortranOrder, long[] Shape) Parse(string where, string text)
    {
        var parser = new NpyDictParser(where, text);
        return parser.ParseDict();
    }

    private (string, bool, long[]) ParseDict()
    {
        string? descr = null;
        bool? fortran = null;
        long[]? shape = null;
        Expect('{');
        while (true)
        {
            SkipSpace();
            if (TryTake('}')) break;
            var key = ParseString();
            Expect(':');
            SkipSpace();
            switch (key)
            {
                case "descr":
                    if (descr is not null) throw Error("key 'descr' appears twice");
                    if (Peek() is '[') throw Error("structured (record) dtypes are not supported");
                    descr = ParseString();
                    break;
                case "fortran_order":
                    if (fortran is not null) throw Error("key 'fortran_order' appears twice");
                    fortran = ParseBool();
                    break;
                case "shape":
                    if (shape is not null) throw Error("key 'shape' appears twice");
                    shape = ParseShape();
                    break;
                default:
                    throw Error($"unexpected key {TensorFileException.Quote(key)} (expected descr, fortran_order, shape)");
            }
            SkipSpace();
            if (TryTake(',')) continue;
            Expect('}');
            break;
        }
        for (; _position < _text.Length; _position++)
        {
            if (_text[_position] is not (' ' or '\n' or '\r' or '\t' or '\0'))
                throw Error($"unexpected text after the dict at offset {_position}");
        }
        if (descr is null || fortran is null || shape is null)
            throw Error("the dict must contain descr, fortran_order and shape");
        return (descr, fortran.Value, shape);
    }

    private string ParseString()
    {
        SkipSpace();
        char quote = Peek();
        if (quote is not ('\'' or '"')) throw Error($"expected a quoted string at offset {_position}");
        int start = ++_position;
        int end = _text.IndexOf(quote, start);
        if (end < 0) throw Error("unterminated string");
        var value = _text[start..end];
        if (value.Contains('\\', StringComparison.Ordinal)) throw Error("escape sequences are not supported in header strings");
        _position = end + 1;
        return value;
    }

    private bool ParseBool()
    {
        if (TryTakeWord("True")) return true;
        if (TryTakeWord("False")) return false;
        throw Error($"expected True or False at offset {_position}");
    }

    private long[] ParseShape()
    {
        Expect('(');
        var dims = new List<long>();
        while (true)
        {
            SkipSpace();
            if (TryTake(')')) break;
            dims.Add(ParseDimension());
            SkipSpace();
            if (TryTake(',')) continue;
            Expect(')');
            break;
        }
        if (dims.Count == 1 && _text[.._position].TrimEnd()[..^1].TrimEnd()[^1] != ',')
            throw Error("a one-element shape must be written (n,)");
        if (dims.Count > 64) throw Error($"shape has {dims.Count} dimensions, more than 64");
        return [.. dims];
    }

    private long ParseDimension()
    {
        int start = _position;
        while (_position < _text.Length && char.IsAsciiDigit(_text[_position])) _position++;
        if (_position == start) throw Error($"shape entry at offset {start} is not a non-negative integer");
        var digits = _text[start.._position];
        if (_position < _text.Length && _text[_position] == 'L') _position++;
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            throw Error($"shape entry {digits} does not fit a 64-bit integer");
        return value;
    }

    private void Expect(char c)
    {
        SkipSpace();
        if (!TryTake(c)) throw Error($"expected '{c}' at offset {_position}");
    }

    private bool TryTake(char c)
    {
        if (_position < _text.Length && _text[_position] == c)
        {
            _position++;
            return true;
        }
        return false;
    }

    private bool TryTakeWord(string word)
    {
        if (string.CompareOrdinal(_text, _position, word, 0, word.Length) != 0) return false;
        _position += word.Length;
        return true;
    }

    private readonly char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private void SkipSpace()
    {
        while (_position < _text.Length && _text[_position] is ' ' or '\t' or '\n' or '\r') _position++;
    }

    private readonly TensorFileException Error(string problem) => new($"{_where}: malformed .npy header: {problem}");
}
