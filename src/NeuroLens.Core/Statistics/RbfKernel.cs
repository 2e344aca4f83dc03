using NeuroLens.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Core.Statistics;

/// <summary>
/// The Gaussian RBF kernel k(a, b) = exp(−‖a − b‖² / (2σ²)), or the mean of several such kernels, on the
/// rows of a float64 matrix: the forms Wᵀ·K·W of the pooled kernel matrix with weight columns, computed whole or
/// in square tiles under a byte budget, and kernels of row pairs. Internal engine of <see cref="Mmd"/>.
/// </summary>
/// <remarks>
/// Squared distances use ‖a‖² − 2a·b + ‖b‖² (one matmul per tile), clamped at 0; a point's distance to
/// itself is set to exactly 0, so that k(a, a) = 1 exactly and the U-statistic can subtract the diagonal
/// as a count. Blocks (I, J) are visited for J ≥ I only (<see cref="UpperBlocks"/>); only the forms
/// Wᵀ·K·W leave the kernel, so each block takes one product with the weights.
/// </remarks>
internal sealed class RbfKernel : IDisposable
{
    private readonly Tensor _z;        // [N, d] float64, the pooled rows
    private readonly Tensor _norms;    // [N], ‖z_i‖²
    private readonly double[] _scales; // −1 / (2σ_j²)
    // The native Scalars of the scales, of −2·scale and of their count, held for the kernel's life.
    private readonly Scalar[] _scaleScalars, _minusTwoScale;
    private readonly Scalar _count;
    private readonly long _tile;       // rows (and columns) per tile
    private Tensor? _whole;            // the whole kernel, when it fits the budget

    /// <param name="z">Pooled rows, [N, d] float64; not owned.</param>
    /// <param name="bandwidths">σ₁ … σ_s &gt; 0.</param>
    /// <param name="maxKernelBytes">Budget for kernel values and their temporaries.</param>
    /// <param name="distances">The whole matrix of squared distances of <paramref name="z"/>
    /// (<see cref="SquaredDistances(Tensor)"/>) when the caller has it already; it becomes the kernel in place.</param>
    public RbfKernel(Tensor z, IReadOnlyList<double> bandwidths, long maxKernelBytes, Tensor? distances = null)
    {
        _z = z;
        _scales = bandwidths.Select(s => -1.0 / (2.0 * s * s)).ToArray();
        _scaleScalars = _scales.Select(s => s.ToScalar()).ToArray();
        _minusTwoScale = _scales.Select(s => (-2.0 * s).ToScalar()).ToArray();
        _count = _scales.Length.ToScalar();
        using (NewDisposeScope()) _norms = z.pow(TorchScalars.Two).sum(1).MoveToOuterDisposeScope();
        // One N×N buffer for a single bandwidth (all in place); distances, sum and one term for several.
        long bytesPerEntry = _scales.Length == 1 ? 8 : 24;
        long n = z.shape[0];
        FitsWhole = n * n <= maxKernelBytes / bytesPerEntry;
        _tile = FitsWhole ? n : Math.Max(1, (long)Math.Sqrt(maxKernelBytes / (double)bytesPerEntry));
        if (FitsWhole && distances is not null) _whole = Apply(distances);
    }

    /// <summary>Whether the whole kernel of <paramref name="rows"/> points with one bandwidth fits the budget.</summary>
    public static bool FitsWholeSingle(long rows, long maxKernelBytes) => rows * rows <= maxKernelBytes / 8;

    /// <summary>‖a_i − b_j‖² by ‖a‖² − 2a·b + ‖b‖², clamped at 0; the diagonal set to exactly 0 when
    /// <paramref name="diagonalIsSelf"/> (a and b are the same rows).</summary>
    public static Tensor SquaredDistances(Tensor a, Tensor aNorms, Tensor b, Tensor bNorms, bool diagonalIsSelf)
    {
        var d = a.mm(b.t());
        d.mul_(TorchScalars.Of(-2.0)).add_(aNorms.unsqueeze(1), TorchScalars.One).add_(bNorms.unsqueeze(0), TorchScalars.One).clamp_min_(TorchScalars.Of(0.0));
        if (diagonalIsSelf) d.diagonal().zero_();
        return d;
    }

    /// <summary>All squared distances between the rows of <paramref name="z"/>, [N, N].</summary>
    public static Tensor SquaredDistances(Tensor z)
    {
        using var scope = NewDisposeScope();
        var norms = z.pow(TorchScalars.Two).sum(1);
        return SquaredDistances(z, norms, z, norms, diagonalIsSelf: true).MoveToOuterDisposeScope();
    }

    /// <summary>Whether the whole N×N kernel fits the budget (it is then computed once and reused).</summary>
    public bool FitsWhole { get; }

    /// <summary>The device of the pooled rows.</summary>
    public Device Device => _z.device;

    /// <summary>Rows per tile: N when the kernel fits whole.</summary>
    public long TileRows => _tile;

    /// <summary>
    /// All bilinear forms F = Wᵀ·K·W of the weight columns W [N, c] (F[a, b] = w_aᵀ K w_b), in one pass over
    /// the kernel: with the whole kernel held, Wᵀ(K·W); otherwise over the blocks (I, J) of the upper
    /// triangle, each adding G = W_Iᵀ·(K_IJ·W_J) and, off the diagonal, its mirror Gᵀ (K is symmetric, so
    /// w_Jᵀ K_JI v_I = v_Iᵀ K_IJ w_J). One product K_IJ·W_J per block where K·W needed two off the
    /// diagonal; each diagonal tile is cut into halves, so that its lower-left quarter is never computed.
    /// </summary>
    public Tensor Forms(Tensor w)
    {
        if (FitsWhole)
        {
            _whole ??= Block(0, _z.shape[0], 0, _z.shape[0]);
            using var kw = _whole.mm(w);
            return w.t().mm(kw);
        }
        long c = w.shape[1];
        var forms = torch.zeros([c, c], ScalarType.Float64, w.device);
        foreach (var (i0, bi, j0, bj) in UpperBlocks(_z.shape[0], _tile))
        {
            using var scope = NewDisposeScope();
            var k = Block(i0, bi, j0, bj);
            var g = w.narrow(0, i0, bi).t().mm(k.mm(w.narrow(0, j0, bj)));
            forms.add_(g, TorchScalars.One);
            if (i0 != j0) forms.add_(g.t(), TorchScalars.One);
        }
        return forms;
    }

    /// <summary>
    /// Blocks (i0, rows, j0, columns) that cover the upper triangle of an n × n symmetric matrix once, the
    /// diagonal blocks included: tiles (I, J ≥ I) of <paramref name="tile"/> rows, each diagonal tile of at
    /// least 256 rows replaced by its two diagonal halves and the upper-right quarter between them.
    /// </summary>
    internal static IEnumerable<(long I0, long Rows, long J0, long Columns)> UpperBlocks(long n, long tile)
    {
        for (long i0 = 0; i0 < n; i0 += tile)
        {
            long bi = Math.Min(tile, n - i0);
            if (bi >= 256)
            {
                long h = bi / 2;
                yield return (i0, h, i0, h);
                yield return (i0, h, i0 + h, bi - h);
                yield return (i0 + h, bi - h, i0 + h, bi - h);
            }
            else yield return (i0, bi, i0, bi);
            for (long j0 = i0 + tile; j0 < n; j0 += tile) yield return (i0, bi, j0, Math.Min(tile, n - j0));
        }
    }

    /// <summary>k(a_i, b_i) for paired rows a, b [p, d]: the distance of each pair taken directly, not expanded.</summary>
    public Tensor Pairs(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return Apply(a.sub(b).pow_(TorchScalars.Two).sum(1)).MoveToOuterDisposeScope();
    }

    /// <summary>The kernel block of rows [i0, i0 + bi) against rows [j0, j0 + bj).</summary>
    private Tensor Block(long i0, long bi, long j0, long bj)
    {
        using var scope = NewDisposeScope();
        if (_scales.Length == 1)
        {
            // One bandwidth s = −1/(2σ²): the exponent s‖a − b‖² = (−2s·a)·b + s‖a‖² + s‖b‖² comes out of a
            // single product of rows augmented by two columns, [−2s·a, s‖a‖², 1]·[b, 1, s‖b‖²]ᵀ, so the tile
            // (memory-bound, unlike the product) takes two elementwise passes: the clamp at 0 from above
            // (distances are ≥ 0 and s < 0) and exp.
            var s = _scaleScalars[0];
            var rows = torch.cat([_z.narrow(0, i0, bi).mul(_minusTwoScale[0]), _norms.narrow(0, i0, bi).mul(s).unsqueeze(1), torch.ones([bi, 1], ScalarType.Float64, _z.device)], 1);
            var columns = torch.cat([_z.narrow(0, j0, bj), torch.ones([bj, 1], ScalarType.Float64, _z.device), _norms.narrow(0, j0, bj).mul(s).unsqueeze(1)], 1);
            var k = rows.mm(columns.t());
            k.clamp_max_(TorchScalars.Of(0.0));
            if (i0 == j0) k.diagonal().zero_();
            return k.exp_().MoveToOuterDisposeScope();
        }
        var d = SquaredDistances(_z.narrow(0, i0, bi), _norms.narrow(0, i0, bi), _z.narrow(0, j0, bj), _norms.narrow(0, j0, bj), i0 == j0);
        return Apply(d).MoveToOuterDisposeScope();
    }

    /// <summary>The kernel of squared distances, in place on <paramref name="d"/> for a single bandwidth.</summary>
    private Tensor Apply(Tensor d)
    {
        if (_scales.Length == 1) return d.mul_(_scaleScalars[0]).exp_();
        var k = d.mul(_scaleScalars[0]).exp_();
        for (int s = 1; s < _scales.Length; s++)
        {
            using var term = d.mul(_scaleScalars[s]).exp_();
            k.add_(term, TorchScalars.One);
        }
        return k.div_(_count);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _norms.Dispose();
        _whole?.Dispose();
        foreach (var s in _scaleScalars.Concat(_minusTwoScale)) s.Dispose();
        _count.Dispose();
    }
}
