using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NeuroLens.Core.TensorFiles;
using static TorchSharp.torch;

namespace NeuroLens.Benchmarks;

/// <summary>
/// Read throughput of one whole tensor from safetensors and .npy files of 1 MB, 64 MB and 1 GB into
/// a TorchSharp tensor, against reading the same file's bytes with File.ReadAllBytes (baseline) and
/// with a FileStream into a reused buffer. The files are written once in GlobalSetup and read again
/// and again, so every run reads from a warm page cache: this measures the copy path, not the disk.
/// Runs in-process because the repository builds runtime-specific outputs.
/// </summary>
[Config(typeof(Config))]
public class TensorFileReadBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(InProcessConfig.SharedMachineJob);
            AddColumn(StatisticColumn.Median, StatisticColumn.Min, new ThroughputColumn("GB/s", "Gigabytes (10^9 bytes) of tensor data per second at the median time",
                c => (long)c.Parameters["SizeBytes"], unitExponent: 9));
        }
    }


    private string _folder = "";
    private string _safetensors = "";
    private string _npy = "";
    private byte[] _buffer = [];

    /// <summary>Tensor data size: 1 MB, 64 MB, 1 GB.</summary>
    [Params(1L << 20, 64L << 20, 1L << 30)]
    public long SizeBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "neurolens-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _safetensors = Path.Combine(_folder, "t.safetensors");
        _npy = Path.Combine(_folder, "t.npy");
        using (var t = rand(SizeBytes / 4))
        {
            SafetensorsWriter.Write(_safetensors, [("t", t)]);
            NpyFile.Write(_npy, t);
        }
        _buffer = new byte[new FileInfo(_safetensors).Length];
        // Warm the page cache so that every case reads from memory.
        File.ReadAllBytes(_safetensors);
        File.ReadAllBytes(_npy);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark(Baseline = true)]
    public int RawReadAllBytes() => File.ReadAllBytes(_safetensors).Length;

    [Benchmark]
    public int RawFileStreamRead()
    {
        using var stream = new FileStream(_safetensors, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        stream.ReadExactly(_buffer);
        return _buffer.Length;
    }

    [Benchmark]
    public long SafetensorsReadTensor()
    {
        using var file = SafetensorsFile.Open(_safetensors);
        using var t = file.ReadTensor("t");
        return t.numel();
    }

    [Benchmark]
    public long NpyReadTensor()
    {
        using var file = NpyFile.Open(_npy);
        using var t = file.ReadTensor("t");
        return t.numel();
    }
}
