using System.Globalization;
using NeuroLens.Core;

namespace NeuroLens.Entanglement.Pruning;

/// <summary>
/// A requested sparsity: an unstructured fraction of zero weights (<c>0.5</c>) or an N:M pattern
/// (<c>2:4</c> = N = 2 zeros in every M = 4 consecutive input columns of each output row, the
/// SparseGPT/NVIDIA convention). <see cref="Fraction"/> is N/M for a pattern.
/// </summary>
/// <param name="Fraction">Fraction of weights set to zero, in [0, 1).</param>
/// <param name="N">Zeros per group for an N:M pattern; 0 for unstructured.</param>
/// <param name="M">Group length for an N:M pattern; 0 for unstructured.</param>
public sealed record SparsitySpec(double Fraction, int N = 0, int M = 0)
{
    /// <summary>True for an N:M pattern.</summary>
    public bool IsNM => M > 0;

    /// <summary>Parses <c>0.5</c> (a fraction in [0, 1)) or <c>N:M</c> (0 &lt; N &lt; M).</summary>
    /// <param name="text">The specification.</param>
    public static SparsitySpec Parse(string text)
    {
        text = text.Trim();
        int colon = text.IndexOf(':');
        if (colon >= 0)
        {
            if (int.TryParse(text[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out int n)
                && int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int m) && n > 0 && n < m)
                return new SparsitySpec((double)n / m, n, m);
            throw new NeuroLensException($"sparsity '{text}': expected N:M with 0 < N < M (e.g. 2:4), zeros per group of M input columns");
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double fraction) && fraction >= 0 && fraction < 1)
            return new SparsitySpec(fraction);
        throw new NeuroLensException($"sparsity '{text}': expected a fraction in [0, 1) such as 0.5, or N:M such as 2:4");
    }

    /// <summary>Number of zeros among <paramref name="count"/> weights for an unstructured fraction: round(Fraction · count), ties to even.</summary>
    internal long ZerosIn(long count) => (long)Math.Round(Fraction * count, MidpointRounding.ToEven);

    /// <summary>The text form: <c>0.5</c> or <c>2:4</c>.</summary>
    public override string ToString() => IsNM ? $"{N}:{M}" : Fraction.ToString("R", CultureInfo.InvariantCulture);
}
