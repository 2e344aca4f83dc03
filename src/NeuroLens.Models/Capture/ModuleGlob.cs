using System.Text;
using System.Text.RegularExpressions;

namespace NeuroLens.Models.Capture;

/// <summary>
/// A glob pattern over dotted module names (<c>encoder.layer.3.intermediate.dense</c>). The pattern must
/// match the whole name. <c>*</c> matches any run of characters inside one dot-separated segment (it never
/// crosses a dot), <c>**</c> matches any run of characters including dots, <c>?</c> matches one character
/// other than a dot; every other character matches itself. So <c>encoder.layer.*.intermediate.dense</c>
/// matches that layer of every block, <c>gpt_neox.layers.1*.mlp.*</c> the MLP layers of blocks 1 and 10–19,
/// and <c>**.dense</c> every module whose name ends in <c>.dense</c>.
/// </summary>
public sealed class ModuleGlob
{
    private readonly Regex _regex;

    /// <summary>Compiles a pattern.</summary>
    /// <param name="pattern">The glob (not empty).</param>
    public ModuleGlob(string pattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        Pattern = pattern;
        var regex = new StringBuilder("^");
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                regex.Append(".*");
                i++;
            }
            else if (c == '*') regex.Append(@"[^.]*");
            else if (c == '?') regex.Append(@"[^.]");
            else regex.Append(Regex.Escape(c.ToString()));
        }
        regex.Append('$');
        _regex = new Regex(regex.ToString(), RegexOptions.CultureInvariant);
    }

    /// <summary>The pattern as given.</summary>
    public string Pattern { get; }

    /// <summary>Whether the pattern has any wildcard (<c>*</c> or <c>?</c>).</summary>
    public bool HasWildcards => Pattern.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>Whether <paramref name="name"/> matches the whole pattern.</summary>
    public bool IsMatch(string name) => _regex.IsMatch(name);

    /// <inheritdoc/>
    public override string ToString() => Pattern;
}
