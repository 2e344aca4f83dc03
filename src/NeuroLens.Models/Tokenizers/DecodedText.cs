using System.Text;

namespace NeuroLens.Models.Tokenizers;

/// <summary>
/// Text being decoded from tokens: characters appended as they are, bytes gathered and turned into UTF-8 text
/// (invalid sequences become U+FFFD) as soon as characters follow or the text is read.
/// </summary>
internal sealed class DecodedText
{
    private readonly StringBuilder _text = new();
    private readonly List<byte> _bytes = [];

    /// <summary>Adds one byte of UTF-8 text.</summary>
    public void AddByte(byte b) => _bytes.Add(b);

    /// <summary>Appends characters after the bytes gathered so far.</summary>
    public void Append(string s)
    {
        Flush();
        _text.Append(s);
    }

    /// <summary>Appends a character after the bytes gathered so far.</summary>
    public void Append(char c)
    {
        Flush();
        _text.Append(c);
    }

    /// <summary>The text, the bytes gathered so far included.</summary>
    public override string ToString()
    {
        Flush();
        return _text.ToString();
    }

    private void Flush()
    {
        _text.Append(Encoding.UTF8.GetString(_bytes.ToArray()));
        _bytes.Clear();
    }
}
