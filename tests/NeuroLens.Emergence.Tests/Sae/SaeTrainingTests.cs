using NeuroLens.Emergence.Activations;
using NeuroLens.Emergence.Sae;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Tests.Sae;

public sealed class SaeTrainingTests
{
    public SaeTrainingTests() => TorchThreads.UseOne();

    // d = 32, 64 unit-norm atoms (2× overcomplete), 4 active atoms per sample with weights in [0.5, 1.5],
    // noise σ = 0.01 per coordinate; SAE with 128 latents, k = 4.
    private const int D = 32, Atoms = 64, Active = 4;

    [Fact]
    public void TopKRecoversAKnownOvercompleteDictionary()
    {
        var (atoms, data) = SyntheticDictionary.Make(D, Atoms, 32768, Active, 0.01, 7);
        using var _a = atoms;
        using var _d = data;
        var options = new SaeTrainingOptions { Latents = 128, K = Active, BatchSize = 256, Tokens = 500_000, LearningRate = 2e-3, Seed = 1 };
        var result = SaeTraining.Train(new TensorActivationSource(data), options);
        using var sae = result.Sae;
        double recovered = SyntheticDictionary.Recovered(atoms, sae.WDec, 0.9);
        Assert.True(recovered >= 0.9, $"only {recovered:P0} of the atoms have a decoder row with cosine ≥ 0.9 (final FVU {result.FinalFvu:F3})");
        var quality = SaeMetrics.Evaluate(sae, data);
        Assert.True(quality.Fvu < 0.1, $"FVU {quality.Fvu}");
        Assert.True(quality.L0 <= Active + 1e-9);
    }

    [Fact]
    public void TopKDecoderRowsStayUnitNorm()
    {
        var (atoms, data) = SyntheticDictionary.Make(16, 32, 4096, 3, 0.01, 3);
        using var _a = atoms;
        using var _d = data;
        var options = new SaeTrainingOptions { Latents = 64, K = 3, BatchSize = 128, Tokens = 20_000 };
        using var sae = SaeTraining.Train(new TensorActivationSource(data), options).Sae;
        using var norms = sae.WDec.detach().norm(1);
        Assert.Equal(1.0, norms.min().item<float>(), 4);
        Assert.Equal(1.0, norms.max().item<float>(), 4);
        Assert.True(sae.InputScale > 0);
    }

    [Fact]
    public void BatchTopKLearnsThresholdsAndReconstructs()
    {
        var (atoms, data) = SyntheticDictionary.Make(D, Atoms, 16384, Active, 0.01, 11);
        using var _a = atoms;
        using var _d = data;
        var options = new SaeTrainingOptions { Architecture = SaeArchitecture.BatchTopK, Latents = 128, K = Active, BatchSize = 256, Tokens = 250_000, LearningRate = 2e-3 };
        using var sae = SaeTraining.Train(new TensorActivationSource(data), options).Sae;
        Assert.NotNull(sae.Threshold);
        var quality = SaeMetrics.Evaluate(sae, data);
        Assert.True(quality.Fvu < 0.2, $"FVU {quality.Fvu}");
        // The thresholds stand in for the batch selection: about k latents per token at inference.
        Assert.InRange(quality.L0, 0.5 * Active, 2.0 * Active);
    }

    [Fact]
    public void ReluWithL1IsSparseAndReconstructs()
    {
        var (atoms, data) = SyntheticDictionary.Make(16, 32, 8192, 3, 0.01, 5);
        using var _a = atoms;
        using var _d = data;
        var options = new SaeTrainingOptions { Architecture = SaeArchitecture.Relu, Latents = 64, BatchSize = 256, Tokens = 300_000, LearningRate = 1e-3, L1Coefficient = 0.5 };
        using var sae = SaeTraining.Train(new TensorActivationSource(data), options).Sae;
        var quality = SaeMetrics.Evaluate(sae, data);
        Assert.True(quality.Fvu < 0.3, $"FVU {quality.Fvu}");
        Assert.True(quality.L0 < 32, $"L0 {quality.L0}: the L1 penalty should leave most latents off");
    }

    [Fact]
    public void InitialisationSetsScaleAndDecoderBiasFromTheData()
    {
        using var data = randn([2000, 8], generator: new Generator(4)).mul(3).add(5);
        using var sae = SparseAutoencoder.Initialize(SaeArchitecture.TopK, 8, 16, 2, 0);
        SaeTraining.InitializeFromData(sae, new TensorActivationSource(data), new SaeTrainingOptions());
        double meanNorm = data.norm(1).mean().item<float>();
        Assert.Equal(Math.Sqrt(8) / meanNorm, sae.InputScale, 5);
        using var expected = data.mean([0]).mul(sae.InputScale);
        Assert.True(expected.allclose(sae.BDec.detach(), rtol: 1e-5, atol: 1e-5));
        // W_enc = W_decᵀ at initialisation, decoder rows unit norm (TopK).
        Assert.True(sae.WEnc.detach().allclose(sae.WDec.detach().t()));
    }

    [Fact]
    public void ReluInitialisesDecoderRowsToNormPointOne()
    {
        using var sae = SparseAutoencoder.Initialize(SaeArchitecture.Relu, 8, 16, 0, 0);
        using var norms = sae.WDec.detach().norm(1);
        Assert.Equal(0.1, norms.min().item<float>(), 5);
        Assert.Equal(0.1, norms.max().item<float>(), 5);
    }

    [Fact]
    public void ResumingFromACheckpointEqualsTheUninterruptedRun()
    {
        var (atoms, data) = SyntheticDictionary.Make(16, 32, 4096, 3, 0.01, 9);
        using var _a = atoms;
        using var _d = data;
        var options = new SaeTrainingOptions { Latents = 64, K = 3, BatchSize = 128, Tokens = 128 * 40, BufferSize = 1024, DeadAfterTokens = 1000 };
        using var whole = SaeTraining.Train(new TensorActivationSource(data), options).Sae;

        var folder = Directory.CreateTempSubdirectory("nl-sae-ckpt").FullName;
        try
        {
            using var cancel = new CancellationTokenSource();
            var first = SaeTraining.Train(new TensorActivationSource(data), options, folder, onStep: s =>
            {
                if (s.Step == 16) cancel.Cancel();
            }, cancellation: cancel.Token);
            Assert.False(first.Completed);
            Assert.Equal(17, first.Steps);
            first.Sae.Dispose();
            var second = SaeTraining.Train(new TensorActivationSource(data), options, folder, resume: true);
            using var resumed = second.Sae;
            Assert.True(second.Completed);
            Assert.Equal(40, second.Steps);
            foreach (var (a, b) in whole.Parameters.Zip(resumed.Parameters))
                Assert.Equal(0, a.detach().sub(b.detach()).abs().max().item<float>(), 6);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void LearningRateWarmsUpThenDecaysLinearly()
    {
        using var sae = SparseAutoencoder.Initialize(SaeArchitecture.TopK, 4, 16384, 2, 0);
        var options = new SaeTrainingOptions { WarmupFraction = 0.1, DecayFraction = 0.2 };
        using var trainer = new SaeTrainer(sae, options, 100, 1000);
        Assert.Equal(2e-4 * 1 / 10, trainer.LearningRateAt(0), 12); // default 2e-4 / sqrt(16384 / 2^14)
        Assert.Equal(2e-4, trainer.LearningRateAt(9), 12);
        Assert.Equal(2e-4, trainer.LearningRateAt(79), 12);
        Assert.Equal(2e-4 * 20 / 21, trainer.LearningRateAt(80), 12);
        Assert.Equal(2e-4 * 1 / 21, trainer.LearningRateAt(99), 12);
    }

    [Fact]
    public void AuxKLossReconstructsTheResidualWithTheTopDeadLatents()
    {
        using var sae = SparseAutoencoder.Initialize(SaeArchitecture.TopK, 8, 32, 2, 3);
        var options = new SaeTrainingOptions { Latents = 32, K = 2, AuxK = 4 };
        using var trainer = new SaeTrainer(sae, options, 10, 100);
        using var x = randn([64, 8], generator: new Generator(8));
        Assert.Equal(0, trainer.TrainStep(x).AuxLoss); // nothing has been silent for 100 tokens yet

        // Latents 0..9 have been silent for 1000 tokens: dead.
        using (var head = trainer.TokensSinceFired.narrow(0, 0, 10)) head.fill_(1000);
        double expected;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var pre = x.sub(sae.BDec).matmul(sae.WEnc).add(sae.BEnc);
            var (values, indices) = pre.topk(2, dim: 1);
            var xHat = nn.functional.relu(values).unsqueeze(2).mul(sae.WDec[indices]).sum(1).add(sae.BDec);
            var e = x.sub(xHat);
            var (deadValues, deadIndices) = pre.narrow(1, 0, 10).topk(4, dim: 1);
            var eHat = nn.functional.relu(deadValues).unsqueeze(2).mul(sae.WDec[deadIndices]).sum(1);
            var variance = e.sub(e.mean([0], keepdim: true)).pow(2).sum();
            expected = (1.0 / 32) * 1.0 * eHat.sub(e).pow(2).sum().div(variance).item<float>(); // min(1, 10 dead / k_aux 4) = 1
        }
        var result = trainer.TrainStep(x);
        Assert.Equal(expected, result.AuxLoss, 5);
        Assert.True(result.AuxLoss > 0);
    }

    [Theory]
    [InlineData(32)]  // (k + k_aux) · 32 = 224 > 32 latents: the dense encoder gradient
    [InlineData(256)] // 224 ≤ 256: the sparse encoder gradient
    public void TopKGradientsWithAuxKEqualAHandAutogradOfTheLoss(int latents)
    {
        // Every latent dead (window 0 tokens): the step's loss is FVU + 1/32 · AuxK FVU with k_aux = 4 over all latents.
        using var sae = SparseAutoencoder.Initialize(SaeArchitecture.TopK, 8, latents, 3, 5);
        var options = new SaeTrainingOptions { Latents = latents, K = 3, AuxK = 4 };
        using var trainer = new SaeTrainer(sae, options, 10, 0);
        using var x = randn([48, 8], generator: new Generator(9));
        using var scope = NewDisposeScope();
        var wEnc = sae.WEnc.detach().clone().requires_grad_();
        var bEnc = sae.BEnc.detach().clone().requires_grad_();
        var wDec = sae.WDec.detach().clone().requires_grad_();
        var bDec = sae.BDec.detach().clone().requires_grad_();
        var pre = x.sub(bDec).matmul(wEnc).add(bEnc);
        var (values, indices) = pre.topk(3, dim: 1);
        var xHat = nn.functional.relu(values).unsqueeze(2).mul(wDec[indices]).sum(1).add(bDec);
        var residual = x.sub(xHat);
        var total = x.sub(x.mean([0], keepdim: true)).pow(2).sum();
        var (auxValues, auxIndices) = pre.topk(4, dim: 1);
        var eHat = nn.functional.relu(auxValues).unsqueeze(2).mul(wDec[auxIndices]).sum(1);
        var e = residual.detach();
        var variance = e.sub(e.mean([0], keepdim: true)).pow(2).sum();
        var loss = residual.pow(2).sum().div(total).add(eHat.sub(e).pow(2).sum().div(variance).mul(1.0 / 32));
        loss.backward();
        var expectedDec = wDec.grad!.sub(wDec.mul(wDec.grad!.mul(wDec).sum(1, keepdim: true))); // parallel part removed

        var result = trainer.TrainStep(x);

        Assert.Equal(loss.item<float>(), result.Loss, 5);
        Assert.True(sae.WEnc.grad!.allclose(wEnc.grad!, rtol: 1e-4, atol: 1e-6));
        Assert.True(sae.BEnc.grad!.allclose(bEnc.grad!, rtol: 1e-4, atol: 1e-6));
        Assert.True(sae.BDec.grad!.allclose(bDec.grad!, rtol: 1e-4, atol: 1e-6));
        Assert.True(sae.WDec.grad!.allclose(expectedDec, rtol: 1e-4, atol: 1e-6));
        Assert.True(expectedDec.abs().max().item<float>() > 1e-4);
    }
    [Theory]
    [InlineData(32)]  // k · 32 = 96 > 32 latents: the dense encoder gradient
    [InlineData(128)] // 96 ≤ 128: the sparse encoder gradient
    public void TopKGradientsOfALaterStepEqualAHandAutogradWithoutAuxK(int latents)
    {
        // No latent dead (window of 10^9 tokens): the loss is the FVU alone. The second step's gradients start from
        // the weights after the first and from zeroed gradients (the sparse encoder path accumulates into them).
        using var sae = SparseAutoencoder.Initialize(SaeArchitecture.TopK, 8, latents, 3, 7);
        var options = new SaeTrainingOptions { Latents = latents, K = 3, ScaleInputs = false };
        using var trainer = new SaeTrainer(sae, options, 10, 1_000_000_000);
        using var x1 = randn([40, 8], generator: new Generator(10));
        using var x2 = randn([40, 8], generator: new Generator(11)).add(0.5);
        trainer.TrainStep(x1);
        using var scope = NewDisposeScope();
        var wEnc = sae.WEnc.detach().clone().requires_grad_();
        var bEnc = sae.BEnc.detach().clone().requires_grad_();
        var wDec = sae.WDec.detach().clone().requires_grad_();
        var bDec = sae.BDec.detach().clone().requires_grad_();
        var pre = x2.sub(bDec).matmul(wEnc).add(bEnc);
        var (values, indices) = pre.topk(3, dim: 1);
        var xHat = nn.functional.relu(values).unsqueeze(2).mul(wDec[indices]).sum(1).add(bDec);
        var loss = x2.sub(xHat).pow(2).sum().div(x2.sub(x2.mean([0], keepdim: true)).pow(2).sum());
        loss.backward();
        var expectedDec = wDec.grad!.sub(wDec.mul(wDec.grad!.mul(wDec).sum(1, keepdim: true)));

        var result = trainer.TrainStep(x2);

        Assert.Equal(0, result.AuxLoss);
        Assert.Equal(loss.item<float>(), result.Loss, 5);
        Assert.True(sae.WEnc.grad!.allclose(wEnc.grad!, rtol: 1e-4, atol: 1e-6));
        Assert.True(sae.BEnc.grad!.allclose(bEnc.grad!, rtol: 1e-4, atol: 1e-6));
        Assert.True(sae.BDec.grad!.allclose(bDec.grad!, rtol: 1e-4, atol: 1e-6));
        Assert.True(sae.WDec.grad!.allclose(expectedDec, rtol: 1e-4, atol: 1e-6));
        Assert.True(bDec.grad!.abs().max().item<float>() > 1e-4);
    }
}
