using NeuroLens.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Sae;

/// <summary>
/// A sparse autoencoder f(x) = σ(W_encᵀ (c·x − b_dec) + b_enc), x̂ = (W_decᵀ f(x) + b_dec) / c, with
/// the weights in SAELens orientation: <see cref="WEnc"/> [d_in, d_sae], <see cref="WDec"/> [d_sae, d_in]
/// (one decoder row per latent), <see cref="BEnc"/> [d_sae], <see cref="BDec"/> [d_in].
/// </summary>
/// <remarks>
/// c is <see cref="InputScale"/>, the constant that makes E‖c·x‖ = sqrt(d_in) on the training data; the
/// weights live in that scaled space (so TopK decoder rows have unit norm there), and <see cref="Encode"/>
/// and <see cref="Reconstruct"/> take and return activations in the model's own units. The latent codes
/// are those of the scaled space. σ depends on <see cref="Architecture"/>: TopK keeps the <see cref="K"/>
/// largest ReLU pre-activations per token; BatchTopK at inference and any SAE with a <see cref="Threshold"/>
/// use JumpReLU (pre-activation kept where it exceeds the latent's threshold); ReLU is plain ReLU.
/// The tensors are float32 parameters (requires_grad) that the trainer updates in place; dispose the SAE
/// to free them.
/// </remarks>
public sealed class SparseAutoencoder : IDisposable
{
    /// <summary>Creates an SAE from its tensors (taken over: the SAE disposes them).</summary>
    /// <param name="architecture">Activation function.</param>
    /// <param name="k">Active latents per token for TopK/BatchTopK; ignored (0) for ReLU.</param>
    /// <param name="wEnc">[d_in, d_sae].</param>
    /// <param name="bEnc">[d_sae].</param>
    /// <param name="wDec">[d_sae, d_in].</param>
    /// <param name="bDec">[d_in].</param>
    /// <param name="threshold">[d_sae] JumpReLU thresholds (BatchTopK inference), or null.</param>
    /// <param name="inputScale">The constant c multiplying inputs (1 for none).</param>
    public SparseAutoencoder(SaeArchitecture architecture, int k, Tensor wEnc, Tensor bEnc, Tensor wDec, Tensor bDec,
        Tensor? threshold = null, double inputScale = 1.0)
    {
        if (wEnc.dim() != 2 || wDec.dim() != 2 || bEnc.dim() != 1 || bDec.dim() != 1)
            throw new ArgumentException("W_enc and W_dec must be matrices, b_enc and b_dec vectors");
        int dIn = (int)wEnc.shape[0], dSae = (int)wEnc.shape[1];
        if (wDec.shape[0] != dSae || wDec.shape[1] != dIn || bEnc.shape[0] != dSae || bDec.shape[0] != dIn
            || (threshold is not null && (threshold.dim() != 1 || threshold.shape[0] != dSae)))
            throw new ArgumentException(
                $"inconsistent SAE shapes: W_enc [{string.Join(",", wEnc.shape)}], W_dec [{string.Join(",", wDec.shape)}], b_enc [{string.Join(",", bEnc.shape)}], b_dec [{string.Join(",", bDec.shape)}]");
        if (architecture != SaeArchitecture.Relu && (k < 1 || k > dSae))
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be in [1, {dSae}]");
        if (!(inputScale > 0 && double.IsFinite(inputScale)))
            throw new ArgumentOutOfRangeException(nameof(inputScale), inputScale, "the input scale must be positive and finite");
        Architecture = architecture;
        K = architecture == SaeArchitecture.Relu ? 0 : k;
        WEnc = AsParameter(wEnc);
        BEnc = AsParameter(bEnc);
        WDec = AsParameter(wDec);
        BDec = AsParameter(bDec);
        if (threshold is not null)
        {
            Threshold = threshold.to_type(ScalarType.Float32).detach().DetachFromDisposeScope();
            threshold.Dispose();
        }
        InputScale = inputScale;
    }

    /// <summary>Activation function.</summary>
    public SaeArchitecture Architecture { get; }

    /// <summary>Active latents per token (TopK), mean active latents per token (BatchTopK); 0 for ReLU.</summary>
    public int K { get; }

    /// <summary>Input width d_in.</summary>
    public int InputSize => (int)WEnc.shape[0];

    /// <summary>Number of latents d_sae.</summary>
    public int Latents => (int)WEnc.shape[1];

    /// <summary>Encoder weights [d_in, d_sae].</summary>
    public Tensor WEnc { get; }

    /// <summary>Encoder bias [d_sae].</summary>
    public Tensor BEnc { get; }

    /// <summary>Decoder weights [d_sae, d_in], one row per latent.</summary>
    public Tensor WDec { get; }

    /// <summary>Decoder bias [d_in] (in the scaled space).</summary>
    public Tensor BDec { get; }

    /// <summary>Per-latent JumpReLU thresholds [d_sae] used at inference (BatchTopK), or null.</summary>
    public Tensor? Threshold { get; set; }

    /// <summary>The constant c with E‖c·x‖ = sqrt(d_in) on the training data (1 when inputs are not scaled).</summary>
    public double InputScale { get; set; }

    /// <summary>The trainable parameters in a fixed order: W_enc, b_enc, W_dec, b_dec.</summary>
    public IReadOnlyList<Tensor> Parameters => [WEnc, BEnc, WDec, BDec];

    /// <summary>
    /// A fresh SAE: decoder rows random unit vectors (TopK, BatchTopK) or random directions of norm 0.1
    /// (ReLU), W_enc = W_decᵀ, b_enc = 0, b_dec = 0.
    /// </summary>
    public static SparseAutoencoder Initialize(SaeArchitecture architecture, int inputSize, int latents, int k, long seed)
    {
        using var generator = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        var dec = randn([latents, inputSize], generator: generator);
        double norm = architecture == SaeArchitecture.Relu ? 0.1 : 1.0;
        dec = dec.div(dec.norm(1, keepdim: true)).mul(TorchScalars.Of(norm));
        var enc = dec.t().contiguous();
        var sae = new SparseAutoencoder(architecture, k, enc.MoveToOuterDisposeScope(), zeros(latents).MoveToOuterDisposeScope(),
            dec.MoveToOuterDisposeScope(), zeros(inputSize).MoveToOuterDisposeScope());
        return sae;
    }

    /// <summary>Pre-activations W_encᵀ (c·x − b_dec) + b_enc, [N, d_sae], of inputs in model units [N, d_in].</summary>
    public Tensor PreActivations(Tensor x)
    {
        using var scope = NewDisposeScope();
        using var inputScale = InputScale.ToScalar();
        var scaled = InputScale == 1.0 ? x : x.mul(inputScale);
        return scaled.sub(BDec).matmul(WEnc).add_(BEnc, TorchScalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The latent codes f(x) [N, d_sae] of inputs in model units [N, d_in]: TopK per token for TopK SAEs,
    /// JumpReLU with <see cref="Threshold"/> when one is set (BatchTopK), otherwise ReLU.
    /// </summary>
    public Tensor Encode(Tensor x)
    {
        using var scope = NewDisposeScope();
        var pre = PreActivations(x);
        return Activate(pre).MoveToOuterDisposeScope();
    }

    /// <summary>The inference activation function applied to pre-activations [N, d_sae].</summary>
    public Tensor Activate(Tensor pre)
    {
        using var scope = NewDisposeScope();
        Tensor result;
        if (Threshold is not null)
            result = pre.mul(pre.gt(Threshold).to_type(pre.dtype));
        else if (Architecture == SaeArchitecture.Relu)
            result = nn.functional.relu(pre);
        else
        {
            var (values, indices) = pre.topk(K, dim: 1, sorted: false);
            result = zeros_like(pre).scatter_(1, indices, nn.functional.relu(values));
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>The reconstruction in model units [N, d_in] from latent codes [N, d_sae].</summary>
    public Tensor Decode(Tensor codes)
    {
        using var scope = NewDisposeScope();
        var x = codes.matmul(WDec).add_(BDec, TorchScalars.One);
        using var inputScale = InputScale.ToScalar();
        return (InputScale == 1.0 ? x : x.div_(inputScale)).MoveToOuterDisposeScope();
    }

    /// <summary>x̂ = Decode(Encode(x)) in model units, without gradients.</summary>
    public Tensor Reconstruct(Tensor x)
    {
        using var noGrad = no_grad();
        using var codes = Encode(x);
        return Decode(codes);
    }

    /// <summary>Disposes the weights.</summary>
    public void Dispose()
    {
        WEnc.Dispose();
        BEnc.Dispose();
        WDec.Dispose();
        BDec.Dispose();
        Threshold?.Dispose();
    }

    private static Tensor AsParameter(Tensor t)
    {
        // The SAE owns its tensors whatever dispose scope it is built in.
        var p = t.to_type(ScalarType.Float32).detach().contiguous().DetachFromDisposeScope();
        if (!ReferenceEquals(p, t)) t.Dispose();
        return p.requires_grad_(true);
    }
}
