using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using NeuroLens.Core.Runtime;
using NeuroLens.Models.GptNeoX;
using NeuroLens.Models.Training;
using static TorchSharp.torch;

namespace NeuroLens.Benchmarks;

/// <summary>
/// Forward pass to logits of the largest small-LM preset (<c>base</c>: GPT-NeoX, d_model 256, 4 layers,
/// 8 heads, FFN 1024, rotary_pct 0.25, parallel residual, vocabulary 4096, context 128), weights from
/// <see cref="LmInitialization"/> with seed 0, for batch × sequence in {1, 8, 32} × {32, 128}, on 2 torch
/// threads, inference mode. The model is saved to <see cref="Folder"/> so that
/// <c>tools/gpt_neox_forward_pytorch.py</c> times the same weights.
/// </summary>
[Config(typeof(ForwardThroughputConfig))]
public class GptNeoXForwardBenchmarks
{
    /// <summary>Where the benchmarked model is saved as a Hugging Face folder.</summary>
    public static string Folder => Path.Combine(Path.GetTempPath(), "neurolens-bench", "gpt-neox-base");

    private GptNeoXModel _model = null!;
    private Tensor _ids = null!, _mask = null!;

    /// <summary>Sequences per call.</summary>
    [Params(1, 8, 32)]
    public int Batch { get; set; }

    /// <summary>Tokens per sequence.</summary>
    [Params(32, 128)]
    public int Sequence { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ComputeSettings.Configure(2, "cpu");
        _model = LmPresets.Base.CreateModel(vocabSize: 4096, context: 128);
        LmInitialization.Apply(_model, seed: 0);
        _model.eval();
        _model.Save(Folder);
        var generator = new Generator(0);
        _ids = randint(0, 4096, [Batch, Sequence], dtype: int64, generator: generator);
        _mask = ones(Batch, Sequence, dtype: int64);
    }

    [Benchmark]
    public float Forward()
    {
        using var _ = inference_mode();
        using var logits = _model.Forward(_ids, _mask);
        return logits[0, 0, 0].item<float>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        _ids.Dispose();
        _mask.Dispose();
    }
}
