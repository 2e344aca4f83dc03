using NeuroLens.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Pruning;

/// <summary>
/// The calibration statistic every pruning method needs from a layer's inputs: G = XᵀX (d_in × d_in,
/// float32) summed over tokens, accumulated batch by batch so X never has to be in memory at once.
/// SparseGPT's Hessian is H = (2/N) G, Wanda's input norms are ‖X_:,j‖₂ = √G_jj, and the reconstruction
/// error ‖(W − Ŵ)X‖²_F = tr(ΔW G ΔWᵀ) needs no second pass over X. Dispose it to free G.
/// </summary>
public sealed class InputCovariance : IDisposable
{
    /// <summary>An empty accumulator for inputs of width <paramref name="features"/>.</summary>
    /// <param name="features">d_in.</param>
    /// <param name="device">Where G lives (CPU by default).</param>
    public InputCovariance(long features, Device? device = null)
    {
        if (features < 1) throw new NeuroLensException($"InputCovariance: features must be ≥ 1, got {features}.");
        Gram = zeros(features, features, dtype: ScalarType.Float32, device: device ?? CPU);
    }

    /// <summary>G = Σ x xᵀ over the tokens added so far (float32, d_in × d_in).</summary>
    public Tensor Gram { get; }

    /// <summary>N, tokens added so far.</summary>
    public long Tokens { get; private set; }

    /// <summary>d_in.</summary>
    public long Features => Gram.shape[0];

    /// <summary>Adds a batch of inputs: any shape whose last dimension is d_in (tokens are the other dimensions).</summary>
    /// <param name="inputs">(…, d_in) real tensor.</param>
    public void Add(Tensor inputs)
    {
        if (inputs.dim() < 1 || inputs.shape[^1] != Features)
            throw new NeuroLensException($"InputCovariance: inputs must end in {Features} features, got shape [{string.Join(", ", inputs.shape)}].");
        using var scope = NewDisposeScope();
        var x = inputs.reshape(-1, Features).to(ScalarType.Float32, Gram.device);
        Gram.addmm_(x.t(), x);
        Tokens += x.shape[0];
    }

    /// <summary>G of an in-memory input matrix (tokens × d_in).</summary>
    public static InputCovariance Of(Tensor inputs)
    {
        if (inputs.dim() != 2)
            throw new NeuroLensException($"InputCovariance: inputs must be tokens × d_in, got shape [{string.Join(", ", inputs.shape)}].");
        var covariance = new InputCovariance(inputs.shape[1], inputs.device);
        covariance.Add(inputs);
        return covariance;
    }

    /// <summary>‖(W − Ŵ)X‖²_F / ‖WX‖²_F from G (NaN when WX = 0).</summary>
    /// <param name="weight">W, d_out × d_in.</param>
    /// <param name="pruned">Ŵ, d_out × d_in.</param>
    public double ReconstructionError(Tensor weight, Tensor pruned)
    {
        using var scope = NewDisposeScope();
        var w = weight.to(ScalarType.Float64, Gram.device);
        var g = Gram.to(ScalarType.Float64);
        var delta = w - pruned.to(ScalarType.Float64, Gram.device);
        double numerator = (delta.matmul(g) * delta).sum().item<double>();
        double denominator = (w.matmul(g) * w).sum().item<double>();
        return denominator > 0 ? Math.Max(0, numerator) / denominator : double.NaN;
    }

    /// <summary>Frees G.</summary>
    public void Dispose() => Gram.Dispose();
}
