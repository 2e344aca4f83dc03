using NeuroLens.Core;
using NeuroLens.Core.Runtime;
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
        using var hScale = (2.0f / covariance.Tokens).ToScalar();
        var h = covariance.Gram.mul(hScale);
        var diagonal = h.diagonal();
        var dead = diagonal.eq(TorchScalars.Zero);
        int deadCount = (int)dead.sum().item<long>();
        if (deadCount > 0)
        {
            diagonal.masked_fill_(dead, TorchScalars.Of(1.0));
            w.masked_fill_(dead.unsqueeze(0), TorchScalars.Of(0.0));
        }
        var (hinv, damping, retries) = InverseFactor(h, options);
        h.Dispose();

        int block = options.BlockSize;
        var hinvDiagonal = hinv.diagonal();
        for (long i1 = 0; i1 < columns; i1 += block)
        {
            using var blockScope = NewDisposeScope();
            long i2 = Math.Min(i1 + block, columns), count = i2 - i1;
            var w1 = w.narrow(1, i1, count);
            var hinv1 = hinv.narrow(0, i1, count).narrow(1, i1, count);
            var d1 = hinvDiagonal.narrow(0, i1, count);
            bool[]? mask = null;
            if (!sparsity.IsNM)
            {
                // Exactly round(s·rows·i2) − round(s·rows·i1) zeros in this block, lowest w²/U_jj² first.
                long k = sparsity.ZerosIn(rows * i2) - sparsity.ZerosIn(rows * i1);
                var scores = (w1.mul(w1) / d1.mul(d1).unsqueeze(0)).flatten();
                var flat = zeros(rows * count, dtype: ScalarType.Bool, device: device);
                if (k > 0) PruningMask.Mark(flat, 0, scores.sort(0, stable: true).Indices.narrow(0, 0, k));
                mask = flat.cpu().data<bool>().ToArray();
            }
            float[] values = w1.contiguous().cpu().data<float>().ToArray();   // rows × count, updated in place
            float[] factor = hinv1.contiguous().cpu().data<float>().ToArray(); // count × count
            var errors = new float[rows * count];
            ObsBlock(values, errors, factor, mask, (int)rows, (int)count, sparsity);
            var q1 = tensor(values, [rows, count]).to(device);
            var err1 = tensor(errors, [rows, count]).to(device);
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
            // Each intermediate is freed as soon as the next exists, so at most two d_in² matrices live beside H.
            var damped = h.clone();
            using var shift = (fraction * meanDiagonal).ToScalar();
            damped.diagonal().add_(shift, TorchScalars.One);
            var (lower, info) = linalg.cholesky_ex(damped);
            damped.Dispose();
            if (info.item<int>() != 0) continue;
            var inverse = cholesky_inverse(lower);
            lower.Dispose();
            var (lowerOfInverse, info2) = linalg.cholesky_ex(inverse);
            inverse.Dispose();
            if (info2.item<int>() != 0) continue;
            var upper = lowerOfInverse.t().contiguous(); // H⁻¹ = L Lᵀ = Uᵀ U with U = Lᵀ
            lowerOfInverse.Dispose();
            if (!upper.isfinite().all().item<bool>()) continue;
            return (upper.MoveToOuterDisposeScope(), fraction, attempt);
        }
        throw new NeuroLensException(
            $"SparseGPT: the damped Hessian is not positive definite even with damping {options.Damping + options.DampingIncrement * options.DampingRetries:G3} × mean(diag H) ({options.DampingRetries} retries); give more calibration tokens or a larger damping.");
    }

    // The sequential OBS updates inside one block. Rows are independent here (the unstructured mask is
    // fixed for the block, the N:M choice is per row), so they run in parallel; each row walks the
    // block's columns in order: q = 0 if pruned, err = (w_j − q)/U_jj, w[j:] −= err · U[j, j:].
    // On return values holds Q1 (the pruned block) and errors holds Err1.
    private static void ObsBlock(float[] values, float[] errors, float[] factor, bool[]? mask, int rows, int count, SparsitySpec sparsity)
    {
        System.Threading.Tasks.Parallel.For(0, rows, NeuroLens.Core.Runtime.ComputeSettings.ParallelOptions, r =>
        {
            var w = values.AsSpan(r * count, count);
            var err = errors.AsSpan(r * count, count);
            Span<bool> rowMask = count <= 4096 ? stackalloc bool[count] : new bool[count];
            if (mask is not null) mask.AsSpan(r * count, count).CopyTo(rowMask);
            for (int i = 0; i < count; i++)
            {
                float d = factor[i * count + i];
                if (sparsity.IsNM && i % sparsity.M == 0) ChooseNM(w, factor, count, i, sparsity, rowMask);
                if (!rowMask[i]) continue; // kept: q = w, err = 0, nothing to propagate
                float e = w[i] / d;
                err[i] = e;
                var target = w[i..];
                var source = factor.AsSpan(i * count + i, count - i);
                int j = 0;
                if (System.Numerics.Vector.IsHardwareAccelerated)
                {
                    var ve = new System.Numerics.Vector<float>(e);
                    int width = System.Numerics.Vector<float>.Count;
                    for (; j + width <= target.Length; j += width)
                    {
                        var t = new System.Numerics.Vector<float>(target[j..]);
                        (t - ve * new System.Numerics.Vector<float>(source[j..])).CopyTo(target[j..]);
                    }
                }
                for (; j < target.Length; j++) target[j] -= e * source[j];
                w[i] = 0f;
            }
        });
    }

    // N lowest w²/U_jj² among columns i..i+M of one row (ties to the lower column).
    private static void ChooseNM(Span<float> w, float[] factor, int count, int i, SparsitySpec sparsity, Span<bool> rowMask)
    {
        Span<float> scores = stackalloc float[sparsity.M];
        Span<int> order = stackalloc int[sparsity.M];
        for (int c = 0; c < sparsity.M; c++)
        {
            float d = factor[(i + c) * count + i + c];
            scores[c] = w[i + c] * w[i + c] / (d * d);
            order[c] = c;
        }
        // Insertion sort by (score, index): M is small.
        for (int a = 1; a < sparsity.M; a++)
        {
            int key = order[a];
            int b = a - 1;
            while (b >= 0 && scores[order[b]] > scores[key]) { order[b + 1] = order[b]; b--; }
            order[b + 1] = key;
        }
        for (int c = 0; c < sparsity.N; c++) rowMask[i + order[c]] = true;
    }
}
