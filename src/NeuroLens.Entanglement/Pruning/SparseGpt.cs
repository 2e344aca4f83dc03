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
        if (weight.dim() != 2 || weight.shape[1] != covariance.Features)
            throw new NeuroLensException($"SparseGPT: weight must be d_out × {covariance.Features}, got shape [{string.Join(", ", weight.shape)}].");
        ValidateOptions(options);
        if (sparsity.IsNM && weight.shape[1] % sparsity.M != 0)
            throw new NeuroLensException($"sparsity {sparsity}: the layer has {weight.shape[1]} input columns, not a multiple of M = {sparsity.M}.");
        using var factor = Factor(covariance, options);
        return Prune(weight, factor, sparsity, options);
    }

    /// <summary>
    /// What SparseGPT needs from the inputs, whatever the weights and the sparsity: the dead inputs and U, the
    /// upper Cholesky factor of the damped H⁻¹ with H = (2/N) XᵀX. Several layers reading the same inputs, or one
    /// layer pruned at several sparsities, can share it.
    /// </summary>
    internal static SparseGptFactor Factor(InputCovariance covariance, PruningOptions options)
    {
        if (covariance.Tokens < 1)
            throw new NeuroLensException("SparseGPT: no calibration tokens were accumulated.");
        ValidateOptions(options);
        using var scope = NewDisposeScope();
        using var hScale = (2.0f / covariance.Tokens).ToScalar();
        // diag H, the dead inputs (H_jj = 0, which get H_jj = 1) and mean(diag H) without forming H.
        var diagonal = covariance.Gram.diagonal().mul(hScale);
        var dead = diagonal.eq(TorchScalars.Zero);
        int deadCount = (int)dead.sum().item<long>();
        if (deadCount > 0) diagonal.masked_fill_(dead, TorchScalars.Of(1.0));
        double meanDiagonal = diagonal.mean().item<float>();
        var deadReversed = dead.flip(0);
        Tensor ReversedHessian()
        {
            var reversed = covariance.Gram.flip(0, 1); // J G J (a copy), scaled in place to J H J
            reversed.mul_(hScale);
            if (deadCount > 0) reversed.diagonal().masked_fill_(deadReversed, TorchScalars.Of(1.0));
            return reversed;
        }
        var (upper, damping, retries) = InverseFactor(ReversedHessian, meanDiagonal, options);
        return new SparseGptFactor(upper.MoveToOuterDisposeScope(), dead.MoveToOuterDisposeScope(), deadCount, damping, retries);
    }

    /// <summary>Prunes W (d_out × d_in) with a factor of its inputs (<see cref="Factor"/>).</summary>
    internal static SparseGptResult Prune(Tensor weight, SparseGptFactor factor, SparsitySpec sparsity, PruningOptions options)
    {
        long rows = weight.shape[0], columns = weight.shape[1];
        if (weight.dim() != 2 || columns != factor.Upper.shape[0])
            throw new NeuroLensException($"SparseGPT: weight must be d_out × {factor.Upper.shape[0]}, got shape [{string.Join(", ", weight.shape)}].");
        if (options.BlockSize < 1) throw new NeuroLensException($"SparseGPT: block size must be ≥ 1, got {options.BlockSize}.");
        if (sparsity.IsNM && columns % sparsity.M != 0)
            throw new NeuroLensException($"sparsity {sparsity}: the layer has {columns} input columns, not a multiple of M = {sparsity.M}.");

        using var scope = NewDisposeScope();
        var hinv = factor.Upper;
        var device = hinv.device;
        var w = weight.to(ScalarType.Float32, device).clone();
        if (factor.DeadCount > 0) w.masked_fill_(factor.Dead.unsqueeze(0), TorchScalars.Of(0.0));
        double damping = factor.Damping;
        int retries = factor.Retries, deadCount = factor.DeadCount;

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
                mask = k > 0 ? LowestK(scores, k) : new bool[rows * count];
            }
            float[] values = w1.contiguous().cpu().data<float>().ToArray();   // rows × count, updated in place
            float[] blockFactor = hinv1.contiguous().cpu().data<float>().ToArray(); // count × count
            var errors = new float[rows * count];
            ObsBlock(values, errors, blockFactor, mask, (int)rows, (int)count, sparsity);
            var q1 = tensor(values, [rows, count]).to(device);
            var err1 = tensor(errors, [rows, count]).to(device);
            w.narrow(1, i1, count).copy_(q1);
            if (i2 < columns)
                w.narrow(1, i2, columns - i2).sub_(err1.matmul(hinv.narrow(0, i1, count).narrow(1, i2, columns - i2)));
        }
        return new SparseGptResult(w.MoveToOuterDisposeScope(), damping, retries, deadCount);
    }

    // The k lowest scores, ties to the lower index (what a stable sort's first k gives), without sorting: every score
    // below the k-th smallest value, then the first of the scores equal to it in index order until there are k.
    private static bool[] LowestK(Tensor scores, long k)
    {
        using var scope = NewDisposeScope();
        var threshold = scores.kthvalue(k, 0).values;
        var below = scores.lt(threshold);
        long belowCount = below.sum().item<long>();
        var ties = scores.eq(threshold);
        using var needed = (k - belowCount).ToScalar();
        var firstTies = ties.logical_and(ties.to(ScalarType.Int64).cumsum(0).le(needed));
        return below.logical_or(firstTies).cpu().data<bool>().ToArray();
    }

    private static void ValidateOptions(PruningOptions options)
    {
        if (!(options.Damping >= 0) || !(options.DampingIncrement > 0) || options.DampingRetries < 0)
            throw new NeuroLensException($"SparseGPT: damping must be ≥ 0, its increment > 0 and the retries ≥ 0, got {options.Damping}, {options.DampingIncrement}, {options.DampingRetries}.");
        if (options.BlockSize < 1) throw new NeuroLensException($"SparseGPT: block size must be ≥ 1, got {options.BlockSize}.");
    }

    /// <summary>
    /// U, the upper Cholesky factor of the damped H⁻¹ (H⁻¹ = UᵀU), without forming H⁻¹: with J the index reversal,
    /// the Cholesky factorisation J H J = L Lᵀ (L lower) gives H = R Rᵀ with R = J L J upper, so
    /// H⁻¹ = R⁻ᵀ R⁻¹ = UᵀU with U = R⁻¹ = J L⁻¹ J — upper triangular with a positive diagonal, hence the upper
    /// Cholesky factor of H⁻¹ (the reference's Cholesky → cholesky_inverse → Cholesky gives the same U). One
    /// Cholesky (n³/6 multiply-adds) and one triangular inverse (n³/3, in place) instead of two Cholesky
    /// factorisations and a full inverse; at most two d_in² matrices live together (J H J and L, then L and the
    /// products of the halving, a quarter of d_in² each, then L and U).
    /// Damping: λ = damping · mean(diag H) on the diagonal, and on a failed factorisation (or a non-finite inverse)
    /// another increment · mean(diag H), up to the retry limit. Takes over <paramref name="h"/> (disposed here).
    /// </summary>
    internal static (Tensor Factor, double Damping, int Retries) InverseFactor(Tensor h, PruningOptions options)
    {
        using (h)
        {
            double meanDiagonal = h.diagonal().mean().item<float>();
            return InverseFactor(() => h.flip(0, 1), meanDiagonal, options);
        }
    }

    // reversedHessian makes a fresh undamped J H J; it is called once, and again only when a factorisation succeeded
    // but its inverse was not finite (J H J is freed as soon as its Cholesky factor exists, to save memory).
    private static (Tensor Factor, double Damping, int Retries) InverseFactor(Func<Tensor> reversedHessian, double meanDiagonal, PruningOptions options)
    {
        using var scope = NewDisposeScope();
        Tensor? reversed = null;
        double added = 0;
        for (int attempt = 0; attempt <= options.DampingRetries; attempt++)
        {
            if (reversed is null)
            {
                reversed = reversedHessian();
                added = 0;
            }
            double fraction = options.Damping + options.DampingIncrement * attempt;
            // The diagonal holds H_jj + (fraction − added) · mean: the same damping as adding fraction · mean to H once.
            using (var diagonal = reversed.diagonal())
            using (var shift = ((fraction - added) * meanDiagonal).ToScalar())
                diagonal.add_(shift, TorchScalars.One);
            added = fraction;
            var (lower, info) = linalg.cholesky_ex(reversed);
            if (info.item<int>() != 0)
            {
                lower.Dispose();
                continue;
            }
            reversed.Dispose();
            reversed = null;
            InvertLowerInPlace(lower);
            if (!lower.isfinite().all().item<bool>())
            {
                lower.Dispose();
                continue;
            }
            var upper = lower.flip(0, 1); // U = J L⁻¹ J
            lower.Dispose();
            return (upper.MoveToOuterDisposeScope(), fraction, attempt);
        }
        reversed?.Dispose();
        throw new NeuroLensException(
            $"SparseGPT: the damped Hessian is not positive definite even with damping {options.Damping + options.DampingIncrement * options.DampingRetries:G3} × mean(diag H) ({options.DampingRetries} retries); give more calibration tokens or a larger damping.");
    }

    // L ← L⁻¹ for a lower-triangular L with zeros above the diagonal, by halves: for L = [A 0; B C],
    // L⁻¹ = [A⁻¹ 0; −C⁻¹ B A⁻¹ C⁻¹]. Two matrix products per level (n³/3 multiply-adds in all) and a triangular
    // solve against the identity below 256 columns.
    private static void InvertLowerInPlace(Tensor lower)
    {
        long n = lower.shape[0];
        if (n <= 256)
        {
            using var identity = eye(n, dtype: lower.dtype, device: lower.device);
            using var inverse = linalg.solve_triangular(lower, identity, upper: false);
            lower.copy_(inverse);
            return;
        }
        long half = n / 2;
        using var a = lower.narrow(0, 0, half).narrow(1, 0, half);
        using var b = lower.narrow(0, half, n - half).narrow(1, 0, half);
        using var c = lower.narrow(0, half, n - half).narrow(1, half, n - half);
        InvertLowerInPlace(a);
        InvertLowerInPlace(c);
        using var ba = b.matmul(a);
        using var cba = c.matmul(ba);
        b.copy_(cba).neg_();
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
