using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;

namespace NeuroLens.Benchmarks;

/// <summary>
/// The job and columns of the forward-pass benchmarks (<see cref="BertForwardBenchmarks"/>,
/// <see cref="GptNeoXForwardBenchmarks"/>): median, min and tokens/s, where a call processes Batch × Sequence tokens.
/// </summary>
public sealed class ForwardThroughputConfig : ManualConfig
{
    /// <summary>Adds the shared-machine job and the columns.</summary>
    public ForwardThroughputConfig()
    {
        AddJob(InProcessConfig.SharedMachineJob);
        AddColumn(StatisticColumn.Median, StatisticColumn.Min, new ThroughputColumn("tokens/s", "Tokens (batch x sequence) per second at the median time",
            c => (int)c.Parameters["Batch"] * (int)c.Parameters["Sequence"], format: "F0"));
    }
}
