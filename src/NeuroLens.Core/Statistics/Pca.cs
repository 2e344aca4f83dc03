using NeuroLens.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Core.Statistics;

/// <summary>
/// Principal component analysis fitted by the singular value decomposition of the centred data, the
/// model of <c>sklearn.decomposition.PCA(n_components=k, svd_solver="full")</c> without whitening.
/// </summary>
/// <remarks>
/// <para>With X the n × d data, μ its column means and X − μ = U S Vᵀ (thin SVD, <c>torch.linalg.svd</c>),
/// the components are the first k rows of Vᵀ, the explained variances S²/(n − 1) (sample variance,
/// as sklearn), the ratios those variances over the total S²/(n − 1) summed over all min(n, d)
/// singular values (NaN when the data have no variance).</para>
/// <para>Sign convention: each component is multiplied by ±1 so that its entry of largest absolute value
/// (the first such entry on a tie) is positive — sklearn's <c>svd_flip(u_based_decision=False)</c>, the
/// default from sklearn 1.5 on. It depends only on the components, so the result is reproducible and
/// equals sklearn's components up to the sign of each row (sklearn before 1.5 fixed signs from U).</para>
/// <para>Arithmetic is in the data's floating type (integer data are converted to float64); pass float64
/// data for reference-grade accuracy. The tensors are on the data's device and owned by this object:
/// dispose it to free them.</para>
/// </remarks>
public sealed class Pca : IDisposable
{
    private Pca(Tensor mean, Tensor components, Tensor explainedVariance, Tensor explainedVarianceRatio, Tensor singularValues, long samples)
    {
        Mean = mean;
        Components = components;
        ExplainedVariance = explainedVariance;
        ExplainedVarianceRatio = explainedVarianceRatio;
        SingularValues = singularValues;
        Samples = samples;
    }

    /// <summary>μ, the per-feature mean of the fitted data (length d).</summary>
    public Tensor Mean { get; }

    /// <summary>The principal axes, k × d with orthonormal rows, in decreasing order of variance.</summary>
    public Tensor Components { get; }

    /// <summary>Variance along each component, S²/(n − 1) (length k).</summary>
    public Tensor ExplainedVariance { get; }

    /// <summary>Each component's share of the total variance (length k; sums to ≤ 1).</summary>
    public Tensor ExplainedVarianceRatio { get; }

    /// <summary>The k largest singular values of the centred data.</summary>
    public Tensor SingularValues { get; }

    /// <summary>n, the number of samples the model was fitted on.</summary>
    public long Samples { get; }

    /// <summary>k, the number of components kept.</summary>
    public long ComponentCount => Components.shape[0];

    /// <summary>d, the number of features.</summary>
    public long Features => Components.shape[1];

    /// <summary>Fits k principal components to the rows of the data.</summary>
    /// <param name="data">n × d tensor, one sample per row; n ≥ 2.</param>
    /// <param name="components">k, between 1 and min(n, d).</param>
    /// <returns>The fitted model (dispose it when done).</returns>
    public static Pca Fit(Tensor data, int components)
    {
        if (data.dim() != 2)
            throw new NeuroLensException($"Pca.Fit: data must be a 2-D tensor (samples × features), got shape [{string.Join(", ", data.shape)}].");
        long n = data.shape[0], d = data.shape[1];
        if (n < 2)
            throw new NeuroLensException($"Pca.Fit: at least 2 samples are needed for a sample variance, got {n}.");
        if (components < 1 || components > Math.Min(n, d))
            throw new NeuroLensException($"Pca.Fit: components must be between 1 and min(samples, features) = {Math.Min(n, d)}, got {components}.");

        using var scope = NewDisposeScope();
        var x = data.detach();
        if (!x.is_floating_point()) x = x.to(ScalarType.Float64);
        var mean = x.mean([0L]);
        var (_, s, vh) = linalg.svd(x - mean, fullMatrices: false);
        // svd_flip on Vᵀ: make each row's largest-|value| entry positive (argmax returns the first maximum).
        var signs = vh.gather(1, vh.abs().argmax(1, keepdim: true)).sign();
        vh = vh * signs;
        using var degreesOfFreedom = (n - 1).ToScalar();
        var variance = s.pow(TorchScalars.Two).div(degreesOfFreedom);
        var kept = variance.narrow(0, 0, components);
        return new Pca(
            mean.DetachFromDisposeScope(),
            vh.narrow(0, 0, components).contiguous().DetachFromDisposeScope(),
            kept.clone().DetachFromDisposeScope(),
            (kept / variance.sum()).DetachFromDisposeScope(),
            s.narrow(0, 0, components).clone().DetachFromDisposeScope(),
            n);
    }

    /// <summary>Projects samples onto the components: (X − μ) Cᵀ.</summary>
    /// <param name="data">m × d tensor.</param>
    /// <returns>m × k scores, in the model's type and on its device.</returns>
    public Tensor Transform(Tensor data)
    {
        if (data.dim() != 2 || data.shape[1] != Features)
            throw new NeuroLensException($"Pca.Transform: data must be samples × {Features}, got shape [{string.Join(", ", data.shape)}].");
        using var scope = NewDisposeScope();
        var x = data.to(Components.dtype, Components.device);
        return (x - Mean).matmul(Components.t()).MoveToOuterDisposeScope();
    }

    /// <summary>Maps scores back to the data space: S C + μ (exact for data in the span of the components).</summary>
    /// <param name="scores">m × k tensor.</param>
    /// <returns>m × d reconstruction, in the model's type and on its device.</returns>
    public Tensor InverseTransform(Tensor scores)
    {
        if (scores.dim() != 2 || scores.shape[1] != ComponentCount)
            throw new NeuroLensException($"Pca.InverseTransform: scores must be samples × {ComponentCount}, got shape [{string.Join(", ", scores.shape)}].");
        using var scope = NewDisposeScope();
        var z = scores.to(Components.dtype, Components.device);
        return (z.matmul(Components) + Mean).MoveToOuterDisposeScope();
    }

    /// <summary>Frees the model's tensors.</summary>
    public void Dispose()
    {
        Mean.Dispose();
        Components.Dispose();
        ExplainedVariance.Dispose();
        ExplainedVarianceRatio.Dispose();
        SingularValues.Dispose();
    }
}
