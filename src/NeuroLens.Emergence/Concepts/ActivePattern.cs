using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Concepts;

/// <summary>
/// Which latents are active at each token position: A_j = { t : f_j(x_t) &gt; τ } stored by position
/// (compressed rows), which is sparse for SAEs and makes the permutation null cheap.
/// </summary>
public sealed class ActivePattern
{
    private readonly List<int> _offsets = [0];
    private readonly List<int> _latents = [];

    /// <summary>An empty pattern over <paramref name="latents"/> latents; add codes with <see cref="Add(TorchSharp.torch.Tensor, double)"/>.</summary>
    public ActivePattern(int latents) => Latents = latents;

    /// <summary>Number of latents.</summary>
    public int Latents { get; }

    /// <summary>Number of positions added.</summary>
    public int Positions => _offsets.Count - 1;

    /// <summary>Appends positions from codes [N, latents]: latent j active at a row where its code exceeds <paramref name="threshold"/> (τ).</summary>
    public void Add(Tensor codes, double threshold = 0)
    {
        using var tau = threshold.ToScalar();
        using var active = codes.gt(tau);
        using var nonzero = active.nonzero();
        var pairs = nonzero.data<long>().ToArray();
        int rows = (int)codes.shape[0];
        int p = 0;
        for (int r = 0; r < rows; r++)
        {
            while (p < pairs.Length && pairs[p] == r)
            {
                _latents.Add((int)pairs[p + 1]);
                p += 2;
            }
            _offsets.Add(_latents.Count);
        }
    }

    /// <summary>Appends one position with the given active latents.</summary>
    public void Add(IEnumerable<int> activeLatents)
    {
        _latents.AddRange(activeLatents);
        _offsets.Add(_latents.Count);
    }

    /// <summary>The active latents at position <paramref name="t"/>.</summary>
    public ReadOnlySpan<int> At(int t) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_latents)[_offsets[t].._offsets[t + 1]];

    /// <summary>|A_j| per latent.</summary>
    public int[] ActiveCounts()
    {
        var counts = new int[Latents];
        foreach (int j in _latents) counts[j]++;
        return counts;
    }
}
