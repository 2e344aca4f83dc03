using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NeuroLens.Benchmarks;

/// <summary>
/// A BenchmarkDotNet column of work per second at the median time (robust to interference on shared
/// machines): <paramref name="unitsPerOperation"/> gives the work of one call from the case's parameters,
/// and the value is shown as units ÷ 10^<paramref name="unitExponent"/> per second.
/// </summary>
internal sealed class ThroughputColumn(string name, string legend, Func<BenchmarkCase, double> unitsPerOperation,
    int unitExponent = 0, string format = "F2") : IColumn
{
    public string Id => "Throughput." + name;
    public string ColumnName => name;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => legend;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (summary[benchmarkCase]?.ResultStatistics is not { } stats) return "-";
        double perSecond = unitsPerOperation(benchmarkCase) / (stats.Median * 1e-9) / Math.Pow(10, unitExponent);
        return perSecond.ToString(format, CultureInfo.InvariantCulture);
    }
}
