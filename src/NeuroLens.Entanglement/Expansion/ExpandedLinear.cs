using NeuroLens.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Expansion;

/// <summary>
/// A linear layer replaced by K sparse experts (Sparse Expansion): y = Ŵ_c x + b_c with c the token's
/// expert from the shared <see cref="ExpertRouter"/>. One expert per token, so the per-token cost is one
/// sparse linear plus the router. Owns its expert tensors (not the router): dispose it to free them.
/// </summary>
public sealed class ExpandedLinear : IDisposable
{
    /// <summary>Builds it from K × d_out × d_in expert weights and K × d_out biases (or null), taken over.</summary>
    public ExpandedLinear(ExpertRouter router, Tensor weights, Tensor? biases)
    {
        if (weights.dim() != 3 || weights.shape[0] != router.Experts || weights.shape[2] != router.InputFeatures)
            throw new NeuroLensException($"ExpandedLinear: expert weights must be {router.Experts} × d_out × {router.InputFeatures}, got shape [{string.Join(", ", weights.shape)}].");
        if (biases is not null && (biases.dim() != 2 || biases.shape[0] != weights.shape[0] || biases.shape[1] != weights.shape[1]))
            throw new NeuroLensException($"ExpandedLinear: expert biases must be {weights.shape[0]} × {weights.shape[1]}, got shape [{string.Join(", ", biases.shape)}].");
        Router = router;
        Weights = weights;
        Biases = biases;
    }

    /// <summary>The router (shared by the layers of one FFN group).</summary>
    public ExpertRouter Router { get; }

    /// <summary>Expert weights Ŵ_c, K × d_out × d_in.</summary>
    public Tensor Weights { get; }

    /// <summary>Expert biases b_c, K × d_out, or null.</summary>
    public Tensor? Biases { get; }

    /// <summary>Applies the experts to (…, d_in) inputs, routing each token.</summary>
    public Tensor Forward(Tensor inputs)
    {
        using var scope = NewDisposeScope();
        var flat = inputs.reshape(-1, inputs.shape[^1]);
        using var labels = Router.Route(flat);
        return Apply(flat, labels).reshape([.. inputs.shape[..^1], Weights.shape[1]]).to(inputs.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Applies expert labels[i] to row i of tokens × d_in inputs (calibration uses the k-means labels).</summary>
    public Tensor Apply(Tensor inputs, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var x = inputs.to(Weights.dtype, Weights.device);
        // One expert (K = 1, plain SparseGPT): every token goes to it; no gather, the same product as the pruned layer.
        if (Weights.shape[0] == 1) return nn.functional.linear(x, Weights[0], Biases?[0]).MoveToOuterDisposeScope();
        var result = zeros(x.shape[0], Weights.shape[1], dtype: Weights.dtype, device: Weights.device);
        var labelsOnDevice = labels.to(Weights.device);
        for (int c = 0; c < Weights.shape[0]; c++)
        {
            using var rowsScope = NewDisposeScope();
            using var expert = ((long)c).ToScalar();
            var rows = labelsOnDevice.eq(expert).nonzero().squeeze(1);
            if (rows.shape[0] == 0) continue;
            var y = nn.functional.linear(x.index_select(0, rows), Weights[c], Biases?[c]);
            result.index_copy_(0, rows, y);
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Frees the expert tensors (not the router).</summary>
    public void Dispose()
    {
        Weights.Dispose();
        Biases?.Dispose();
    }
}
