using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NeuroLens.Core.Runtime;
using NeuroLens.Models.Bert;
using NeuroLens.Models.BuiltIn;
using static TorchSharp.torch;

namespace NeuroLens.Benchmarks;

/// <summary>
/// Forward pass of the built-in MiniLM (all-MiniLM-L6-v2: 6 layers, hidden 384) to last_hidden_state,
/// for batch × sequence in {1, 8, 32} × {32, 128}, on 2 torch threads, inference mode (no autograd). Token ids
/// are random (seeded), every token is real (no padding). Tokens/s counts batch × sequence per call.
/// </summary>
[Config(typeof(ForwardThroughputConfig))]
public class BertForwardBenchmarks
{

    private BertModel _model = null!;
    private Tensor _ids = null!, _mask = null!, _types = null!;

    /// <summary>Texts per call.</summary>
    [Params(1, 8, 32)]
    public int Batch { get; set; }

    /// <summary>Tokens per text.</summary>
    [Params(32, 128)]
    public int Sequence { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ComputeSettings.Configure(2, "cpu");
        _model = BertCheckpoint.Load(ModelLocator.Resolve("minilm"));
        var generator = new Generator(0);
        _ids = randint(1000, 30000, [Batch, Sequence], dtype: int64, generator: generator);
        _mask = ones(Batch, Sequence, dtype: int64);
        _types = zeros(Batch, Sequence, dtype: int64);
    }

    [Benchmark]
    public float Forward()
    {
        using var _ = inference_mode();
        using var hidden = _model.Forward(_ids, _mask, _types);
        return hidden[0, 0, 0].item<float>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        _ids.Dispose();
        _mask.Dispose();
        _types.Dispose();
    }
}
