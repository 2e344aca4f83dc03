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
        _gram = zeros(features, features, dtype: ScalarType.Float32, device: device ?? CPU);
        int blocks = (int)Math.Max(1, features / MinBlockWidth);
        _blockStarts = Enumerable.Range(0, blocks + 1).Select(b => features * b / blocks).ToArray();
    }

    // G is symmetric, so for wide inputs only its upper block triangle is accumulated: with b column blocks of
    // at least MinBlockWidth features, b(b + 1)/2 of the b² block products (d_in = 8,192: 8 blocks, 56 % of the
    // multiply-adds of one XᵀX product, the saving BLAS's syrk makes), each still a large GEMM. The lower blocks
    // are copied from the upper ones when G is read.
    private const long MinBlockWidth = 1024;
    private readonly Tensor _gram;
    private readonly long[] _blockStarts;
    private bool _lowerStale;

    /// <summary>
    /// G = Σ x xᵀ over the tokens added so far (float32, d_in × d_in). <see cref="Add"/> updates this tensor in
    /// place; read the property again after adding (it completes the lower triangle then).
    /// </summary>
    public Tensor Gram
    {
        get
        {
            if (_lowerStale)
            {
                using var scope = NewDisposeScope();
                for (int i = 1; i < _blockStarts.Length - 1; i++)
                    for (int j = 0; j < i; j++)
                        Block(i, j).copy_(Block(j, i).t());
                _lowerStale = false;
            }
            return _gram;
        }
    }

    /// <summary>N, tokens added so far.</summary>
    public long Tokens { get; private set; }

    /// <summary>d_in.</summary>
    public long Features => _gram.shape[0];

    /// <summary>Adds a batch of inputs: any shape whose last dimension is d_in (tokens are the other dimensions).</summary>
    /// <param name="inputs">(…, d_in) real tensor.</param>
    public void Add(Tensor inputs)
    {
        if (inputs.dim() < 1 || inputs.shape[^1] != Features)
            throw new NeuroLensException($"InputCovariance: inputs must end in {Features} features, got shape [{string.Join(", ", inputs.shape)}].");
        using var scope = NewDisposeScope();
        var x = inputs.reshape(-1, Features).to(ScalarType.Float32, _gram.device);
        int blocks = _blockStarts.Length - 1;
        if (blocks == 1) _gram.addmm_(x.t(), x);
        else
        {
            for (int i = 0; i < blocks; i++)
            {
                var xi = Columns(x, i).t();
                for (int j = i; j < blocks; j++) Block(i, j).addmm_(xi, Columns(x, j));
            }
            _lowerStale = true;
        }
        Tokens += x.shape[0];
    }

    private Tensor Columns(Tensor x, int block) => x.narrow(1, _blockStarts[block], _blockStarts[block + 1] - _blockStarts[block]);

    private Tensor Block(int i, int j) => _gram.narrow(0, _blockStarts[i], _blockStarts[i + 1] - _blockStarts[i])
        .narrow(1, _blockStarts[j], _blockStarts[j + 1] - _blockStarts[j]);

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
        var w = weight.to(ScalarType.Float64, _gram.device);
        var g = Gram.to(ScalarType.Float64);
        var delta = w - pruned.to(ScalarType.Float64, _gram.device);
        double numerator = (delta.matmul(g) * delta).sum().item<double>();
        double denominator = (w.matmul(g) * w).sum().item<double>();
        return denominator > 0 ? Math.Max(0, numerator) / denominator : double.NaN;
    }

    /// <summary>Frees G.</summary>
    public void Dispose() => _gram.Dispose();
}
