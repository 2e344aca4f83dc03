using NeuroLens.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Pruning;

/// <summary>
/// SparseGPT (Frantar and Alistarh, "SparseGPT: Massive Language Models Can Be Accurately Pruned in One-Shot",
/// ICML 2023), following the authors' <c>sparsegpt.py</c> (entanglement.md §4).
/// </summary>
/// <remarks>
/// H = (2/N) XᵀX; inputs with H_jj = 0 get H_jj = 1 and their weight column zeroed; λ = damping ·
/// mean(diag H) is added to the diagonal (on a Cholesky failure another <see cref="PruningOptions.DampingIncrement"/> is added, up
/// to <see cref="PruningOptions.DampingRetries"/> times, then a <see cref="NeuroLensException"/>);
/// U = upper Cholesky factor of H⁻¹. Columns are processed in blocks of B: the unstructured mask is
/// chosen at the start of each block as the lowest w²/U_jj² over the block's columns (all rows at once,
/// exactly round(s · rows · columns-so-far) zeros in total so the achieved sparsity equals the request),
/// or per row the N lowest of every M columns when column j ≡ 0 mod M is reached; for each column,
/// err = (w_j − ŵ_j)/U_jj and W[:, j:] −= err · U[j, j:] within the block; after the block the errors
/// update the remaining columns in one product. fp32 arithmetic throughout.
/// </remarks>
public static class SparseGpt
{
    /// <summary>Prunes W with the inputs' statistic.</summary>
    /// <param name="weight">W, d_out × d_in (any real type; computed in float32 on G's device).</param>
    /// <param name="covariance">XᵀX and N of the calibration inputs.</param>
    /// <param name="sparsity">Requested sparsity.</param>
    /// <param name="options">Block size and damping (the method and sparsity fields are ignored); null = defaults.</param>
    public static SparseGptResult Prune(Tensor weight, InputCovariance covariance, SparsitySpec sparsity, PruningOptions? options = null)
    {
        options ??= new PruningOptions();
        long rows = weight.shape[0], columns = weight.shape[1];
        if (weight.dim() != 2 || columns != covariance.Features)
            throw new NeuroLensException($"SparseGPT: weight must be d_out × {covariance.Features}, got shape [{string.Join(", ", weight.shape)}].");
        if (covariance.Tokens < 1)
            throw new NeuroLensException("SparseGPT: no calibration tokens were accumulated.");
        if (!(options.Damping >= 0) || !(options.DampingIncrement > 0) || options.DampingRetries < 0)
            throw new NeuroLensException($"SparseGPT: damping must be ≥ 0, its increment > 0 and the retries ≥ 0, got {options.Damping}, {options.DampingIncrement}, {options.DampingRetries}.");
        if (options.BlockSize < 1) throw new NeuroLensException($"SparseGPT: block size must be ≥ 1, got {options.BlockSize}.");
        if (sparsity.IsNM && columns % sparsity.M != 0)
            throw new NeuroLensException($"sparsity {sparsity}: the layer has {columns} input columns, not a multiple of M = {sparsity.M}.");

        using var scope = NewDisposeScope();
        var device = covariance.Gram.device;
        var w = weight.to(ScalarType.Float32, device).clone();
        var h = covariance.Gram * (2.0f / covariance.Tokens);
        var diagonal = h.diagonal();
        var dead = diagonal.eq(0);
        int deadCount = (int)dead.sum().item<long>();
        if (deadCount > 0)
        {
            diagonal.masked_fill_(dead, 1f);
            w.masked_fill_(dead.unsqueeze(0), 0f);
        }
        var (hinv, damping, retries) = InverseFactor(h, options);

        int block = options.BlockSize;
        var hinvDiagonal = hinv.diagonal();
        for (long i1 = 0; i1 < columns; i1 += block)
        {
            using var blockScope = NewDisposeScope();
            long i2 = Math.Min(i1 + block, columns), count = i2 - i1;
            var w1 = w.narrow(1, i1, count).clone();
            var q1 = zeros_like(w1);
            var err1 = zeros_like(w1);
            var hinv1 = hinv.narrow(0, i1, count).narrow(1, i1, count);
            var d1 = hinvDiagonal.narrow(0, i1, count);
            Tensor mask1;
            if (!sparsity.IsNM)
            {
                // Exactly round(s·rows·i2) − round(s·rows·i1) zeros in this block, lowest w²/U_jj² first.
                long k = sparsity.ZerosIn(rows * i2) - sparsity.ZerosIn(rows * i1);
                var scores = (w1.square() / d1.square().unsqueeze(0)).flatten();
                mask1 = zeros(rows * count, dtype: ScalarType.Bool, device: device);
                if (k > 0) PruningMask.Mark(mask1, 0, scores.sort(0, stable: true).Indices.narrow(0, 0, k));
                mask1 = mask1.reshape(rows, count);
            }
            else mask1 = zeros(rows, count, dtype: ScalarType.Bool, device: device);

            for (long i = 0; i < count; i++)
            {
                using var columnScope = NewDisposeScope();
                if (sparsity.IsNM && i % sparsity.M == 0)
                {
                    var group = w1.narrow(1, i, sparsity.M).square() / d1.narrow(0, i, sparsity.M).square().unsqueeze(0);
                    var lowest = group.sort(1, stable: true).Indices.narrow(1, 0, sparsity.N) + i;
                    PruningMask.Mark(mask1, 1, lowest);
                }
                var wi = w1[.., i];
                var q = wi.masked_fill(mask1[.., i], 0f);
                q1[.., i] = q;
                var err = (wi - q) / hinv1[i, i];
                w1.narrow(1, i, count - i).sub_(err.unsqueeze(1).matmul(hinv1.narrow(0, i, 1).narrow(1, i, count - i)));
                err1[.., i] = err;
            }
            w.narrow(1, i1, count).copy_(q1);
            if (i2 < columns)
                w.narrow(1, i2, columns - i2).sub_(err1.matmul(hinv.narrow(0, i1, count).narrow(1, i2, columns - i2)));
        }
        return new SparseGptResult(w.MoveToOuterDisposeScope(), damping, retries, deadCount);
    }

    // Damp, then U = upper Cholesky factor of H⁻¹ (Cholesky → inverse from the factor → Cholesky of the inverse).
    private static (Tensor Factor, double Damping, int Retries) InverseFactor(Tensor h, PruningOptions options)
    {
        double meanDiagonal = h.diagonal().mean().item<float>();
        for (int attempt = 0; attempt <= options.DampingRetries; attempt++)
        {
            double fraction = options.Damping + options.DampingIncrement * attempt;
            using var scope = NewDisposeScope();
            var damped = h.clone();
            damped.diagonal().add_(fraction * meanDiagonal);
            var (lower, info) = linalg.cholesky_ex(damped);
            if (info.item<int>() != 0) continue;
            var inverse = cholesky_inverse(lower);
            var (lowerOfInverse, info2) = linalg.cholesky_ex(inverse);
            var upper = lowerOfInverse.t().contiguous(); // H⁻¹ = L Lᵀ = Uᵀ U with U = Lᵀ
            if (info2.item<int>() != 0 || !upper.isfinite().all().item<bool>()) continue;
            return (upper.MoveToOuterDisposeScope(), fraction, attempt);
        }
        throw new NeuroLensException(
            $"SparseGPT: the damped Hessian is not positive definite even with damping {options.Damping + options.DampingIncrement * options.DampingRetries:G3} × mean(diag H) ({options.DampingRetries} retries); give more calibration tokens or a larger damping.");
    }
}
