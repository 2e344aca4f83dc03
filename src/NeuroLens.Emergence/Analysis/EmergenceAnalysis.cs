namespace NeuroLens.Emergence.Analysis;

/// <summary>
/// The emergence logic of emergence.md §5 over tables of concept scores S_c: the emergence step with
/// persistence (time), the size threshold (scale), reactivations across layers (space), and the
/// sensitivity of the emergence step to θ and τ. Functions over arrays; they know nothing of SAEs.
/// </summary>
public static class EmergenceAnalysis
{
    /// <summary>The default θ.</summary>
    public const double DefaultTheta = 0.5;

    /// <summary>The default reactivation margin δ.</summary>
    public const double DefaultDelta = 0.1;

    /// <summary>
    /// The index of s*: the first checkpoint s such that S(s′) ≥ θ for every later checkpoint s′ ≥ s
    /// (persistence), or null when the last checkpoint is below θ ("not emerged").
    /// </summary>
    /// <param name="scores">S_c per checkpoint, in training order.</param>
    /// <param name="theta">θ.</param>
    public static int? EmergenceIndex(IReadOnlyList<double> scores, double theta = DefaultTheta)
    {
        int? index = null;
        for (int i = scores.Count - 1; i >= 0; i--)
        {
            if (!(scores[i] >= theta)) break;
            index = i;
        }
        return index;
    }

    /// <summary>
    /// The index of the smallest model with S_c ≥ θ at its final checkpoint, or null when none reaches θ.
    /// </summary>
    /// <param name="finalScores">S_c at the final checkpoint of each model, ordered from the smallest model.</param>
    /// <param name="theta">θ.</param>
    public static int? SizeThresholdIndex(IReadOnlyList<double> finalScores, double theta = DefaultTheta)
    {
        for (int i = 0; i < finalScores.Count; i++)
            if (finalScores[i] >= theta) return i;
        return null;
    }

    /// <summary>
    /// Reactivations across layers: for every dip — a run of layers below θ between a layer ℓ1 and a layer
    /// ℓ3 at or above θ — whose lowest layer ℓ2 is below θ − δ, one <see cref="Reactivation"/> with ℓ1 the
    /// last layer before the run and ℓ3 the first after it.
    /// </summary>
    /// <param name="scores">S_c per layer, in depth order.</param>
    /// <param name="theta">θ.</param>
    /// <param name="delta">δ.</param>
    /// <param name="decoderCosine">(ℓ1, ℓ3) → cosine of the matched latents' decoder directions, or null.</param>
    public static IReadOnlyList<Reactivation> Reactivations(IReadOnlyList<double> scores, double theta = DefaultTheta, double delta = DefaultDelta,
        Func<int, int, double>? decoderCosine = null)
    {
        var result = new List<Reactivation>();
        int? lastAbove = null;
        for (int l = 0; l < scores.Count; l++)
        {
            if (!(scores[l] >= theta)) continue;
            if (lastAbove is int l1 && l - l1 > 1)
            {
                int l2 = l1 + 1;
                for (int m = l1 + 1; m < l; m++)
                    if (scores[m] < scores[l2]) l2 = m;
                if (scores[l2] < theta - delta)
                    result.Add(new Reactivation(l1, l2, l, scores[l1], scores[l2], scores[l],
                        decoderCosine?.Invoke(l1, l) ?? double.NaN));
            }
            lastAbove = l;
        }
        return result;
    }

    /// <summary>
    /// The emergence index for every (τ, θ) pair: rows follow <paramref name="scoresByTau"/> (S_c per
    /// checkpoint measured at each τ), columns follow <paramref name="thetas"/>; null where not emerged.
    /// </summary>
    public static int?[,] Sensitivity(IReadOnlyList<IReadOnlyList<double>> scoresByTau, IReadOnlyList<double> thetas)
    {
        var table = new int?[scoresByTau.Count, thetas.Count];
        for (int i = 0; i < scoresByTau.Count; i++)
            for (int j = 0; j < thetas.Count; j++)
                table[i, j] = EmergenceIndex(scoresByTau[i], thetas[j]);
        return table;
    }
}
