namespace NeuroLens.Imaging.IO;

/// <summary>
/// Orders file names as people number them: runs of digits compare by their value, so <c>z2.png</c>
/// comes before <c>z10.png</c>; other text compares ordinally ignoring case. Ties (<c>z01</c> against
/// <c>z1</c>, or names differing only in case) fall back to ordinal order, so the order is total.
/// </summary>
public sealed class NaturalOrder : IComparer<string>
{
    /// <summary>The comparer.</summary>
    public static NaturalOrder Instance { get; } = new();

    /// <inheritdoc />
    public int Compare(string? a, string? b)
    {
        if (ReferenceEquals(a, b)) return 0;
        if (a is null) return -1;
        if (b is null) return 1;
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
            {
                int si = i, sj = j;
                while (i < a.Length && char.IsAsciiDigit(a[i])) i++;
                while (j < b.Length && char.IsAsciiDigit(b[j])) j++;
                var x = a.AsSpan(si, i - si).TrimStart('0');
                var y = b.AsSpan(sj, j - sj).TrimStart('0');
                // Same number of significant digits: compare digit by digit; otherwise the longer is larger.
                int c = x.Length != y.Length ? x.Length.CompareTo(y.Length) : x.SequenceCompareTo(y);
                if (c != 0) return c;
            }
            else
            {
                int c = char.ToLowerInvariant(a[i]).CompareTo(char.ToLowerInvariant(b[j]));
                if (c != 0) return c;
                i++;
                j++;
            }
        }
        int rest = (a.Length - i).CompareTo(b.Length - j);
        return rest != 0 ? rest : string.CompareOrdinal(a, b);
    }
}
