using NeuroLens.Core;
using NeuroLens.Core.Runtime;
using NeuroLens.Core.Statistics;
using NeuroLens.Entanglement.Pruning;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Expansion;

/// <summary>
/// Sparse Expansion (Sawmya et al., "Wasserstein Distances, Neuronal Entanglement, and Sparsity"; entanglement.md §5)
/// for one group of linear layers sharing an input: PCA of the calibration inputs to d_in / r components,
/// seeded k-means into K clusters, and per cluster c a copy of each dense layer (bias kept) pruned by
/// SparseGPT with the Hessian of cluster c's tokens only. At inference each token goes to the expert
/// of the nearest centroid. With K = 1 there is no clustering and the single expert is plain SparseGPT.
/// </summary>
public static class SparseExpansion
{
    /// <summary>Fits the router and the experts of every layer of the group.</summary>
    /// <param name="layers">The group's dense layers (W d_out × d_in, bias or null), all reading the same inputs.</param>
    /// <param name="inputs">Calibration inputs X, tokens × d_in.</param>
    /// <param name="options">Settings; null = defaults.</param>
    /// <returns>The router (shared by the group), one expanded layer and one report per input layer.</returns>
    public static (ExpertRouter Router, IReadOnlyList<ExpandedLinear> Layers, IReadOnlyList<ExpansionLayerReport> Reports) Fit(
        IReadOnlyList<(Tensor Weight, Tensor? Bias)> layers, Tensor inputs, SparseExpansionOptions? options = null)
    {
        options ??= new SparseExpansionOptions();
        if (layers.Count == 0) throw new NeuroLensException("SparseExpansion: no layers given.");
        if (inputs.dim() != 2) throw new NeuroLensException($"SparseExpansion: inputs must be tokens × d_in, got shape [{string.Join(", ", inputs.shape)}].");
        long n = inputs.shape[0], dIn = inputs.shape[1];
        foreach (var (w, _) in layers)
            if (w.dim() != 2 || w.shape[1] != dIn)
                throw new NeuroLensException($"SparseExpansion: every weight must be d_out × {dIn}, got shape [{string.Join(", ", w.shape)}].");
        if (options.Experts < 1 || options.Experts > n)
            throw new NeuroLensException($"SparseExpansion: experts must be between 1 and the calibration tokens ({n}), got {options.Experts}.");
        if (options.PcaReduction < 1) throw new NeuroLensException($"SparseExpansion: PCA reduction must be ≥ 1, got {options.PcaReduction}.");

        var x = inputs.to(ScalarType.Float32);
        ExpertRouter router;
        Tensor labels;
        if (options.Experts == 1)
        {
            router = new ExpertRouter(zeros(1, dIn), null, null);
            labels = zeros(n, dtype: ScalarType.Int64);
        }
        else
        {
            Tensor? mean = null, components = null;
            Tensor reduced;
            if (!options.NoPca)
            {
                int k = (int)Math.Max(1, Math.Min(dIn / options.PcaReduction, n));
                using var pca = Pca.Fit(x, k);
                mean = pca.Mean.clone();
                components = pca.Components.clone();
                reduced = pca.Transform(x);
            }
            else reduced = x.clone();
            using var kmeans = KMeans.Fit(reduced, new KMeansOptions { Clusters = options.Experts, Restarts = options.Restarts, Seed = options.Seed });
            router = new ExpertRouter(kmeans.Centroids.to(ScalarType.Float32), mean, components);
            labels = kmeans.Labels.clone();
            reduced.Dispose();
        }

        var covariances = new InputCovariance[router.Experts];
        var members = new Tensor[router.Experts];
        var counts = new long[router.Experts];
        for (int c = 0; c < router.Experts; c++)
        {
            using var expert = ((long)c).ToScalar();
            members[c] = labels.eq(expert).nonzero().squeeze(1);
            covariances[c] = new InputCovariance(dIn);
            if (router.Experts == 1) covariances[c].Add(x); // every token, no copy
            else
            {
                using var xc = x.index_select(0, members[c]);
                covariances[c].Add(xc);
            }
            counts[c] = members[c].shape[0];
        }
        // Σ_c ‖W X_c‖² = tr(W G Wᵀ) with G = Σ_c G_c: the reconstruction error's denominator, once per group.
        using var gramTotal = zeros(dIn, dIn, dtype: ScalarType.Float64);
        foreach (var cov in covariances)
        {
            using var g = cov.Gram.to(ScalarType.Float64);
            gramTotal.add_(g, TorchScalars.One);
        }
        var expanded = new List<ExpandedLinear>();
        var reports = new List<ExpansionLayerReport>();
        foreach (var (weight, bias) in layers)
        {
            var experts = new Tensor[router.Experts];
            using var w64 = weight.to(ScalarType.Float64);
            double numerator = 0, denominator;
            using (var wg = w64.matmul(gramTotal))
            using (var wgw = wg.mul(w64))
                denominator = wgw.sum().item<double>();
            int retries = 0;
            long zerosTotal = 0;
            for (int c = 0; c < router.Experts; c++)
            {
                var result = SparseGpt.Prune(weight, covariances[c], options.Pruning.Sparsity, options.Pruning);
                experts[c] = result.Weight;
                retries += result.DampingRetries;
                zerosTotal += result.Weight.eq(TorchScalars.Zero).sum().item<long>();
                numerator += ClusterError(w64, result.Weight, covariances[c], x, members[c]);
            }
            var stacked = stack(experts);
            foreach (var e in experts) e.Dispose();
            Tensor? biases = bias is null ? null : bias.to(ScalarType.Float32).unsqueeze(0).expand(router.Experts, -1).contiguous();
            expanded.Add(new ExpandedLinear(router, stacked, biases));
            reports.Add(new ExpansionLayerReport(router.Experts, options.Pruning.Sparsity.ToString(), zerosTotal / (double)stacked.numel(),
                denominator > 0 ? numerator / denominator : double.NaN, counts, retries));
        }
        foreach (var m in members) m.Dispose();
        foreach (var cov in covariances) cov.Dispose();
        labels.Dispose();
        if (!ReferenceEquals(x, inputs)) x.Dispose();
        return (router, expanded, reports);
    }

    // ‖(W − Ŵ_c) X_cᵀ‖²_F in float64: through the cluster's tokens when they are fewer than d_in (n_c · d_in · d_out),
    // otherwise through G_c = X_cᵀX_c as tr(ΔW G_c ΔWᵀ) (d_in² · d_out).
    private static double ClusterError(Tensor w64, Tensor pruned, InputCovariance covariance, Tensor x, Tensor members)
    {
        using var scope = NewDisposeScope();
        var delta = w64 - pruned.to(ScalarType.Float64);
        if (members.shape[0] < covariance.Features)
        {
            var projected = x.index_select(0, members).to(ScalarType.Float64).matmul(delta.t());
            return projected.mul(projected).sum().item<double>();
        }
        var g = covariance.Gram.to(ScalarType.Float64);
        return delta.matmul(g).mul(delta).sum().item<double>();
    }
}
