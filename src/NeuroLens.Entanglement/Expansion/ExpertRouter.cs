using NeuroLens.Core;
using NeuroLens.Core.Statistics;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Expansion;

/// <summary>
/// Sparse Expansion's router: a token goes to the expert whose centroid is nearest (squared Euclidean,
/// lowest index on ties) to its PCA projection (x − μ) Cᵀ, or to the raw input without PCA. Holds its
/// tensors (float32, CPU): dispose it to free them.
/// </summary>
public sealed class ExpertRouter : IDisposable
{
    /// <summary>Builds a router from its tensors (taken over, not copied).</summary>
    /// <param name="centroids">K × k centroids.</param>
    /// <param name="pcaMean">μ (d_in), or null without PCA.</param>
    /// <param name="pcaComponents">C (k × d_in), or null without PCA.</param>
    public ExpertRouter(Tensor centroids, Tensor? pcaMean, Tensor? pcaComponents)
    {
        if (centroids.dim() != 2) throw new NeuroLensException($"ExpertRouter: centroids must be K × k, got shape [{string.Join(", ", centroids.shape)}].");
        if ((pcaMean is null) != (pcaComponents is null))
            throw new NeuroLensException("ExpertRouter: the PCA mean and components come together.");
        if (pcaComponents is not null && (pcaComponents.shape[0] != centroids.shape[1] || pcaMean!.shape[0] != pcaComponents.shape[1]))
            throw new NeuroLensException($"ExpertRouter: PCA components [{string.Join(", ", pcaComponents.shape)}] do not fit centroids [{string.Join(", ", centroids.shape)}] and mean [{string.Join(", ", pcaMean!.shape)}].");
        Centroids = centroids;
        PcaMean = pcaMean;
        PcaComponents = pcaComponents;
    }

    /// <summary>K × k centroids in the reduced space.</summary>
    public Tensor Centroids { get; }

    /// <summary>PCA mean μ (d_in), or null.</summary>
    public Tensor? PcaMean { get; }

    /// <summary>PCA components C (k × d_in), or null.</summary>
    public Tensor? PcaComponents { get; }

    /// <summary>K.</summary>
    public int Experts => (int)Centroids.shape[0];

    /// <summary>d_in of the inputs it routes.</summary>
    public long InputFeatures => PcaComponents?.shape[1] ?? Centroids.shape[1];

    /// <summary>The reduced representation of tokens × d_in inputs.</summary>
    public Tensor Reduce(Tensor inputs)
    {
        if (PcaComponents is null) return inputs.to(ScalarType.Float32);
        using var scope = NewDisposeScope();
        var x = inputs.to(ScalarType.Float32, PcaComponents.device);
        return (x - PcaMean!).matmul(PcaComponents.t()).MoveToOuterDisposeScope();
    }

    /// <summary>The expert of each token (int64, length tokens) of tokens × d_in inputs.</summary>
    public Tensor Route(Tensor inputs)
    {
        if (inputs.dim() != 2 || inputs.shape[1] != InputFeatures)
            throw new NeuroLensException($"ExpertRouter: inputs must be tokens × {InputFeatures}, got shape [{string.Join(", ", inputs.shape)}].");
        if (Experts == 1) return zeros(inputs.shape[0], dtype: ScalarType.Int64, device: inputs.device);
        using var scope = NewDisposeScope();
        var z = Reduce(inputs).to(ScalarType.Float64);
        var c = Centroids.to(ScalarType.Float64, z.device);
        // ‖c‖² − 2 z·c (‖z‖² is the same for every centroid), argmin picks the lowest index on ties.
        var distances = c.mul(c).sum(1).unsqueeze(0).addmm(z, c.t(), beta: 1, alpha: -2);
        return distances.argmin(1).MoveToOuterDisposeScope();
    }

    /// <summary>Frees the tensors.</summary>
    public void Dispose()
    {
        Centroids.Dispose();
        PcaMean?.Dispose();
        PcaComponents?.Dispose();
    }
}
