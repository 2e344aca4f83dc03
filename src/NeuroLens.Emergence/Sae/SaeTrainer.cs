using NeuroLens.Core;
using NeuroLens.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Sae;

/// <summary>
/// The optimisation of one sparse autoencoder, step by step (emergence.md §2): losses, Adam with
/// warm-up and linear decay, the unit-norm decoder constraint, dead-latent tracking and the BatchTopK
/// threshold. <see cref="SaeTraining"/> drives it over an activation source; this class knows nothing
/// of files or models.
/// </summary>
/// <remarks>
/// Losses. TopK and BatchTopK minimise the normalised MSE FVU = ‖x − x̂‖² / ‖x − x̄‖² over the batch (x̄ the
/// batch mean, as in EleutherAI sparsify) plus <see cref="SaeTrainingOptions.AuxKCoefficient"/> ·
/// min(1, dead / k_aux) · the same quantity for reconstructing the residual e = x − x̂ (detached) with the
/// k_aux largest pre-activations among dead latents (Gao et al. 2024). ReLU SAEs minimise
/// mean_t ‖x − x̂‖² + λ · mean_t Σ_i f_i ‖W_dec,i‖ with λ ramped up linearly (Anthropic, April 2024).
/// All in the scaled input space. For TopK and BatchTopK, the component of the decoder gradient parallel
/// to each decoder row is removed before the Adam step, and rows are renormalised after it.
/// </remarks>
public sealed class SaeTrainer : IDisposable
{
    private readonly SaeTrainingOptions _options;
    private readonly AdamOptimizer _adam;
    private readonly int _auxK;
    private readonly double _baseLearningRate;
    // Σ_j codes[b, j] · W_dec[indices[b, j]] per token; shares W_dec (its gradient accumulates there).
    private readonly TorchSharp.Modules.EmbeddingBag _decoder;
    // The TopK encoder's gradient: an embedding bag over a zero [d_sae, d_in] weight whose gradient, for per-sample
    // weights g and output gradient (c·x − b_dec), is Σ g[b, i] (c·x − b_dec)[b] at row indices[b, i] (EncoderBackward).
    private readonly Tensor? _encoderRows;
    private readonly TorchSharp.Modules.EmbeddingBag? _encoderBag;

    /// <summary>Prepares to train <paramref name="sae"/> (whose tensors are updated in place) for <paramref name="totalSteps"/> steps.</summary>
    /// <param name="sae">The SAE, already initialised (see <see cref="SparseAutoencoder.Initialize"/>).</param>
    /// <param name="options">The recipe.</param>
    /// <param name="totalSteps">Steps planned (for the learning-rate and λ schedules).</param>
    /// <param name="deadAfterTokens">Tokens without firing after which a latent counts as dead.</param>
    public SaeTrainer(SparseAutoencoder sae, SaeTrainingOptions options, long totalSteps, long deadAfterTokens)
    {
        options.Validate();
        Sae = sae;
        _options = options;
        TotalSteps = Math.Max(1, totalSteps);
        DeadAfterTokens = deadAfterTokens;
        _auxK = Math.Min(options.AuxK ?? sae.InputSize / 2, sae.Latents);
        _baseLearningRate = options.EffectiveLearningRate(sae.Latents);
        _adam = AdamOptimizer.Adam(sae.Parameters, options.Beta1, options.Beta2, options.Epsilon);
        TokensSinceFired = zeros(sae.Latents, ScalarType.Int64);
        _decoder = nn.EmbeddingBag_from_pretrained(sae.WDec, freeze: false, mode: EmbeddingBagMode.Sum);
        if (sae.Architecture == SaeArchitecture.TopK)
        {
            _encoderRows = zeros(sae.Latents, sae.InputSize);
            _encoderBag = nn.EmbeddingBag_from_pretrained(_encoderRows, freeze: false, mode: EmbeddingBagMode.Sum);
        }
        if (sae.Architecture == SaeArchitecture.BatchTopK && sae.Threshold is null)
            sae.Threshold = full(sae.Latents, TorchScalars.Of(double.NaN), ScalarType.Float32);
    }

    /// <summary>The SAE being trained.</summary>
    public SparseAutoencoder Sae { get; }

    /// <summary>Steps planned.</summary>
    public long TotalSteps { get; }

    /// <summary>Steps taken so far.</summary>
    public long Step { get; private set; }

    /// <summary>Training tokens seen so far.</summary>
    public long TokensSeen { get; private set; }

    /// <summary>Tokens after which a silent latent is dead.</summary>
    public long DeadAfterTokens { get; }

    /// <summary>Per latent, training tokens since it last fired [d_sae] int64.</summary>
    public Tensor TokensSinceFired { get; }

    /// <summary>Adam first moments, in <see cref="SparseAutoencoder.Parameters"/> order.</summary>
    public IReadOnlyList<Tensor> FirstMoments => _adam.FirstMoments;

    /// <summary>Adam second moments, in <see cref="SparseAutoencoder.Parameters"/> order.</summary>
    public IReadOnlyList<Tensor> SecondMoments => _adam.SecondMoments;

    /// <summary>The learning rate at step <paramref name="step"/>: linear warm-up, constant, then linear decay to 0.</summary>
    public double LearningRateAt(long step)
    {
        long warm = Math.Min(1000, (long)Math.Round(_options.WarmupFraction * TotalSteps));
        long decay = (long)Math.Round(_options.DecayFraction * TotalSteps);
        double lr = _baseLearningRate;
        if (warm > 0 && step < warm) lr *= (step + 1.0) / warm;
        long decayStart = TotalSteps - decay;
        if (decay > 0 && step >= decayStart) lr *= Math.Max(0.0, (double)(TotalSteps - step) / (decay + 1));
        return lr;
    }

    /// <summary>Restores a saved position (used when resuming).</summary>
    public void Restore(long step, long tokensSeen)
    {
        Step = step;
        TokensSeen = tokensSeen;
        _adam.SetStepCount(step);
    }

    /// <summary>One optimizer step on a batch of activations in model units [B, d_in].</summary>
    public SaeStepResult TrainStep(Tensor batch)
    {
        var sae = Sae;
        long b = batch.shape[0];
        double lr = LearningRateAt(Step);
        double loss, fvu, aux = 0, l0;
        using (var scope = NewDisposeScope())
        {
            using var inputScale = sae.InputScale.ToScalar();
            var x = sae.InputScale == 1.0 ? batch : batch.mul(inputScale);
            // (x − b_dec) W_enc + b_enc computed as x W_enc + (b_enc − b_dec W_enc), one addmm: the same value, but
            // b_dec's gradient is then a vector–matrix product instead of a [B, d_sae] × [d_sae, d_in] one (x needs no
            // gradient), and the [B, d_sae] pre-activations are written once instead of three times. Without a graph
            // when the sparse encoder gradient (below) pays.
            bool sparseEncoder = sae.Architecture == SaeArchitecture.TopK && SparseEncoderPays();
            Tensor pre;
            using (sparseEncoder ? no_grad() : null)
                pre = sae.BEnc.sub(sae.BDec.unsqueeze(0).matmul(sae.WEnc)).addmm(x, sae.WEnc);
            Tensor? chosenIndices = null, chosen = null, auxIndices = null, auxChosen = null;
            var totalVariance = x.sub(x.mean([0], keepdim: true)).pow(TorchScalars.Two).sum().clamp_min(TorchScalars.Of(1e-12));
            Tensor objective;
            Tensor firedLatents;
            if (sae.Architecture == SaeArchitecture.TopK)
            {
                // Sparse encoder gradient (as EleutherAI sparsify's fused encoder): the dense pre-activations only choose the
                // latents; the loss is differentiated with respect to the chosen pre-activations (leaves), and the
                // encoder's gradient accumulated from those alone after the backward pass (EncoderBackward):
                // B·(k + k_aux)·d_in multiply-adds instead of the dense backward product's B·d_sae·d_in.
                var (topValues, indices) = pre.topk(sae.K, dim: 1, sorted: false);
                if (sparseEncoder)
                {
                    chosenIndices = indices;
                    chosen = topValues.requires_grad_();
                }
                var values = nn.functional.relu(topValues);
                var xHat = SparseDecode(indices, values).add(sae.BDec, TorchScalars.One);
                var residual = x.sub(xHat);
                var fvuT = residual.pow(TorchScalars.Two).sum().div(totalVariance);
                objective = fvuT;
                fvu = fvuT.item<float>();
                using (no_grad())
                {
                    firedLatents = indices.masked_select(values.gt(TorchScalars.Zero));
                    l0 = values.gt(TorchScalars.Zero).sum().item<long>() / (double)b;
                }
                var auxT = AuxKLoss(pre, residual, leafValues: sparseEncoder, out auxChosen, out auxIndices);
                if (auxT is not null)
                {
                    objective = objective.add(auxT, TorchScalars.One);
                    aux = auxT.item<float>();
                }
            }
            else if (sae.Architecture == SaeArchitecture.BatchTopK)
            {
                var relu = nn.functional.relu(pre);
                var (values, flatIndices) = relu.flatten().topk((int)Math.Min(sae.K * b, relu.numel()), dim: 0, sorted: false);
                var codes = zeros_like(relu).flatten().scatter(0, flatIndices, values).view(b, sae.Latents);
                var xHat = codes.matmul(sae.WDec).add(sae.BDec, TorchScalars.One);
                var residual = x.sub(xHat);
                var fvuT = residual.pow(TorchScalars.Two).sum().div(totalVariance);
                objective = fvuT;
                fvu = fvuT.item<float>();
                using (no_grad())
                {
                    var active = codes.gt(TorchScalars.Zero);
                    l0 = active.sum().item<long>() / (double)b;
                    firedLatents = active.any(dim: 0).nonzero().flatten();
                    UpdateThreshold(codes, active);
                }
                var auxT = AuxKLoss(pre, residual, leafValues: false, out _, out _);
                if (auxT is not null)
                {
                    objective = objective.add(auxT, TorchScalars.One);
                    aux = auxT.item<float>();
                }
            }
            else
            {
                var codes = nn.functional.relu(pre);
                var xHat = codes.matmul(sae.WDec).add(sae.BDec, TorchScalars.One);
                var residual = x.sub(xHat);
                var mse = residual.pow(TorchScalars.Two).sum(1).mean();
                var l1 = codes.mul(sae.WDec.norm(1)).sum(1).mean();
                double ramp = _options.L1WarmupFraction > 0
                    ? Math.Min(1.0, (Step + 1.0) / Math.Max(1.0, _options.L1WarmupFraction * TotalSteps))
                    : 1.0;
                using var l1Weight = (_options.L1Coefficient * ramp).ToScalar();
                objective = mse.add(l1.mul(l1Weight), TorchScalars.One);
                using (no_grad())
                {
                    fvu = residual.pow(TorchScalars.Two).sum().div(totalVariance).item<float>();
                    var active = codes.gt(TorchScalars.Zero);
                    l0 = active.sum().item<long>() / (double)b;
                    firedLatents = active.any(dim: 0).nonzero().flatten();
                }
            }
            loss = objective.item<float>();
            foreach (var p in sae.Parameters) p.grad?.zero_();
            objective.backward();
            if (chosen is not null) EncoderBackward(x, chosenIndices!, chosen, auxIndices, auxChosen);
            using (no_grad())
            {
                if (sae.Architecture != SaeArchitecture.Relu)
                    RemoveParallelGradient(sae.WDec);
                _adam.Step(lr);
                if (sae.Architecture != SaeArchitecture.Relu)
                    sae.WDec.div_(sae.WDec.norm(1, keepdim: true).clamp_min(TorchScalars.Of(1e-12)));
                using var batchTokens = b.ToScalar();
                TokensSinceFired.add_(batchTokens, TorchScalars.One);
                if (firedLatents.numel() > 0) TokensSinceFired.index_fill_(0, firedLatents, TorchScalars.Zero);
            }
        }
        Step++;
        TokensSeen += b;
        return new SaeStepResult(Step - 1, loss, fvu, aux, l0, DeadFraction(), lr);
    }

    /// <summary>Fraction of latents that have not fired for <see cref="DeadAfterTokens"/> tokens.</summary>
    public double DeadFraction()
    {
        using var deadAfter = DeadAfterTokens.ToScalar();
        using var dead = TokensSinceFired.ge(deadAfter);
        return dead.sum().item<long>() / (double)Sae.Latents;
    }

    /// <summary>Frees the optimizer state.</summary>
    public void Dispose()
    {
        _adam.Dispose();
        TokensSinceFired.Dispose();
        _decoder.Dispose();
        _encoderBag?.Dispose();
        _encoderRows?.Dispose();
    }

    // Whether the sparse encoder gradient is cheaper than the dense backward product this step: it costs about
    // 2·B·(k + k_aux)·d_in multiply-adds in single-threaded row updates (an embedding bag forward and backward) against
    // the product's B·d_sae·d_in in a multi-threaded GEMM, several times faster per multiply-add. Measured on an idle
    // 2-core machine (docs/benchmarks.md), the sparse path won both with k = 32 alone and with the AuxK term's k_aux
    // added ((k + k_aux)/d_sae = 224/6,144 and 288/8,192: 1.46× and 1.39× the dense step's throughput), so it is used
    // while (k + k_aux) · 16 ≤ d_sae, k_aux counting only when some latent is dead.
    private bool SparseEncoderPays()
    {
        long slots = Sae.K;
        if (_auxK > 0 && _options.AuxKCoefficient != 0)
        {
            using var deadAfter = DeadAfterTokens.ToScalar();
            using var dead = TokensSinceFired.ge(deadAfter);
            using var count = dead.sum();
            slots += Math.Min(_auxK, count.item<long>());
        }
        return slots * 16 <= Sae.Latents;
    }

    // leafValues: the chosen pre-activations become a gradient leaf (returned with their indices; TopK's sparse encoder
    // gradient) instead of staying in the graph of pre (BatchTopK).
    private Tensor? AuxKLoss(Tensor pre, Tensor residual, bool leafValues, out Tensor? chosen, out Tensor? chosenIndices)
    {
        chosen = chosenIndices = null;
        if (_auxK == 0 || _options.AuxKCoefficient == 0) return null;
        using var deadAfter = DeadAfterTokens.ToScalar();
        using var dead = TokensSinceFired.ge(deadAfter);
        long numDead = dead.sum().item<long>();
        if (numDead == 0) return null;
        int kAux = (int)Math.Min(_auxK, numDead);
        var masked = pre.masked_fill(dead.logical_not().unsqueeze(0), TorchScalars.Of(double.NegativeInfinity));
        var (values, indices) = masked.topk(kAux, dim: 1, sorted: false);
        if (leafValues)
        {
            chosen = values.requires_grad_();
            chosenIndices = indices;
        }
        values = nn.functional.relu(values);
        var eHat = SparseDecode(indices, values);
        var e = residual.detach();
        var variance = e.sub(e.mean([0], keepdim: true)).pow(TorchScalars.Two).sum().clamp_min(TorchScalars.Of(1e-12));
        double scale = Math.Min(1.0, numDead / (double)_auxK);
        using var weight = (_options.AuxKCoefficient * scale).ToScalar();
        return eHat.sub(e).pow(TorchScalars.Two).sum().div(variance).mul(weight);
    }

    // The encoder's gradient from the gradients g of the chosen pre-activations pre[b, indices[b, i]] =
    // (c·x − b_dec)[b] · W_enc[:, j] + b_enc[j], j = indices[b, i]: ∂W_enc[:, j] = Σ g[b, i] (c·x − b_dec)[b],
    // ∂b_enc[j] = Σ g[b, i], and ∂b_dec gains −W_enc ∂b_enc — all sums over the (b, i) with indices[b, i] = j. The first
    // is the weight gradient of an embedding bag (per-sample weights g) whose output gradient is c·x − b_dec.
    private void EncoderBackward(Tensor x, Tensor indices, Tensor chosen, Tensor? auxIndices, Tensor? auxChosen)
    {
        var sae = Sae;
        using var scope = NewDisposeScope();
        var g = chosen.grad ?? zeros_like(chosen);
        var all = indices;
        if (auxIndices is not null && auxChosen?.grad is { } auxGrad)
        {
            all = cat([indices, auxIndices], 1);
            g = cat([g, auxGrad], 1);
        }
        Tensor centred;
        using (no_grad())
        {
            centred = x.sub(sae.BDec);
            _encoderRows!.grad?.zero_();
        }
        var rows = _encoderBag!.call(all, null, g.detach());
        rows.backward([centred]);
        using (no_grad())
        {
            var bEncGrad = zeros(sae.Latents).index_add_(0, all.flatten(), g.flatten(), TorchScalars.One);
            var bDecGrad = sae.WEnc.matmul(bEncGrad).neg();
            var wEncGrad = _encoderRows!.grad!.t();
            // Accumulated into .grad as a backward pass would (creating it on the first step).
            autograd.backward([sae.WEnc, sae.BEnc, sae.BDec], [wEncGrad, bEncGrad, bDecGrad]);
        }
    }

    // Σ_j values[b, j] · W_dec[indices[b, j], :] → [B, d_in], differentiable in values and W_dec. An embedding bag
    // (sum mode, per-sample weights) instead of gathering B × k decoder rows and a batched product: the gather
    // materialised B·k·d_in floats (1.2 GB for the AuxK term at B = 4096, k_aux = 192, d_in = 384) and its
    // backward scattered them back; see docs/benchmarks.md, "Emergence: SAE training throughput".
    private Tensor SparseDecode(Tensor indices, Tensor values) => _decoder.call(indices, null, values);

    private void UpdateThreshold(Tensor codes, Tensor active)
    {
        // Per latent, the smallest activation it kept in this batch, averaged over batches
        // (exponential moving average); latents that kept nothing keep their previous estimate.
        var threshold = Sae.Threshold!;
        var smallest = codes.masked_fill(active.logical_not(), TorchScalars.Of(double.PositiveInfinity)).amin(dims: [0]);
        var seen = active.any(dim: 0);
        var fresh = threshold.isnan().logical_and(seen);
        using var m = _options.ThresholdMomentum.ToScalar();
        using var oneMinusM = (1 - _options.ThresholdMomentum).ToScalar();
        var blended = threshold.mul(m).add(smallest.mul(oneMinusM), TorchScalars.One);
        var updated = where(fresh, smallest, where(seen, blended, threshold));
        threshold.copy_(updated);
    }

    private static void RemoveParallelGradient(Tensor wDec)
    {
        var grad = wDec.grad;
        if (grad is null) return;
        var parallel = grad.mul(wDec).sum(1, keepdim: true);
        grad.sub_(wDec.mul(parallel));
    }
}
