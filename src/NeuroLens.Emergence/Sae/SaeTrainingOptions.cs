namespace NeuroLens.Emergence.Sae;

/// <summary>
/// One SAE training recipe (emergence.md §2). Defaults follow Gao et al. 2024 (TopK, AuxK) and EleutherAI
/// sparsify; every choice is an option.
/// </summary>
public sealed record SaeTrainingOptions
{
    /// <summary>Activation function (default TopK).</summary>
    public SaeArchitecture Architecture { get; init; } = SaeArchitecture.TopK;

    /// <summary>Number of latents d_sae; null means <see cref="LatentsPerInput"/> × d_in.</summary>
    public int? Latents { get; init; }

    /// <summary>Latents per input dimension when <see cref="Latents"/> is null (16).</summary>
    public int LatentsPerInput { get; init; } = 16;

    /// <summary>Active latents per token (TopK, BatchTopK).</summary>
    public int K { get; init; } = 32;

    /// <summary>Tokens (activation rows) per optimizer step.</summary>
    public int BatchSize { get; init; } = 1024;

    /// <summary>Training budget in tokens; null means <see cref="Epochs"/> passes over the source.</summary>
    public long? Tokens { get; init; }

    /// <summary>Passes over the activation source when <see cref="Tokens"/> is null.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Adam learning rate; null means 2e-4 / sqrt(d_sae / 2^14) (Gao et al. 2024's width scaling).</summary>
    public double? LearningRate { get; init; }

    /// <summary>Adam β₁.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam β₂.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Adam ε.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Fraction of the steps over which the learning rate rises linearly from 0 (at most 1000 steps).</summary>
    public double WarmupFraction { get; init; } = 0.05;

    /// <summary>Final fraction of the steps over which the learning rate decays linearly to 0.</summary>
    public double DecayFraction { get; init; } = 0.2;

    /// <summary>AuxK latents k_aux; null means d_in / 2. 0 disables the auxiliary loss.</summary>
    public int? AuxK { get; init; }

    /// <summary>Weight of the AuxK loss (1/32).</summary>
    public double AuxKCoefficient { get; init; } = 1.0 / 32.0;

    /// <summary>
    /// A latent is dead after this many training tokens without firing; null means the smaller of
    /// 10 M tokens and a tenth of the training budget.
    /// </summary>
    public long? DeadAfterTokens { get; init; }

    /// <summary>L1 coefficient λ of ReLU SAEs (on inputs scaled to E‖x‖ = sqrt(d); Anthropic's April 2024 recipe uses 5).</summary>
    public double L1Coefficient { get; init; } = 5.0;

    /// <summary>Fraction of the steps over which λ rises linearly from 0 (ReLU SAEs).</summary>
    public double L1WarmupFraction { get; init; } = 0.05;

    /// <summary>Scale inputs by a constant so that E‖x‖ = sqrt(d_in) (stored with the SAE).</summary>
    public bool ScaleInputs { get; init; } = true;

    /// <summary>How b_dec is initialised.</summary>
    public DecoderBiasInit DecoderBiasInit { get; init; } = DecoderBiasInit.Mean;

    /// <summary>Rows held by the shuffling buffer (a multiple of the batch size works best).</summary>
    public int BufferSize { get; init; } = 65536;

    /// <summary>Seed of the initialisation and the shuffling.</summary>
    public long Seed { get; init; } = 0;

    /// <summary>Save a checkpoint every this many steps (0: only at the end); needs a checkpoint folder.</summary>
    public int CheckpointEvery { get; init; } = 0;

    /// <summary>Decay of the running per-latent threshold estimate of BatchTopK (exponential moving average).</summary>
    public double ThresholdMomentum { get; init; } = 0.99;

    /// <summary>The learning rate used: <see cref="LearningRate"/> or 2e-4 / sqrt(d_sae / 2^14).</summary>
    public double EffectiveLearningRate(int latents) => LearningRate ?? 2e-4 / Math.Sqrt(latents / 16384.0);

    /// <summary>Checks the values; a <see cref="NeuroLens.Core.NeuroLensException"/> naming the first bad one.</summary>
    public void Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok) throw new NeuroLens.Core.NeuroLensException("SAE options: " + message);
        }
        Require(Latents is null or > 0, $"latents must be positive, got {Latents}");
        Require(LatentsPerInput > 0, $"latents per input must be positive, got {LatentsPerInput}");
        Require(Architecture == SaeArchitecture.Relu || K > 0, $"k must be positive, got {K}");
        Require(BatchSize > 0, $"batch size must be positive, got {BatchSize}");
        Require(Tokens is null or > 0, $"tokens must be positive, got {Tokens}");
        Require(Epochs > 0, $"epochs must be positive, got {Epochs}");
        Require(LearningRate is null or > 0, $"learning rate must be positive, got {LearningRate}");
        Require(WarmupFraction is >= 0 and <= 1 && DecayFraction is >= 0 and <= 1 && WarmupFraction + DecayFraction <= 1,
            "warm-up and decay fractions must be in [0, 1] and sum to at most 1");
        Require(AuxK is null or >= 0, $"k_aux must be non-negative, got {AuxK}");
        Require(DeadAfterTokens is null or > 0, $"dead-after tokens must be positive, got {DeadAfterTokens}");
        Require(L1Coefficient >= 0, $"L1 coefficient must be non-negative, got {L1Coefficient}");
        Require(BufferSize >= BatchSize, $"buffer size ({BufferSize}) must be at least the batch size ({BatchSize})");
        Require(CheckpointEvery >= 0, $"checkpoint interval must be non-negative, got {CheckpointEvery}");
        Require(ThresholdMomentum is >= 0 and < 1, $"threshold momentum must be in [0, 1), got {ThresholdMomentum}");
    }
}
