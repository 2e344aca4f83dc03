using NeuroLens.Core.Reports;

namespace NeuroLens.Core.Tests.Reports;

public class TimingsTests
{
    [Fact]
    public void MeasureRecordsPhasesInFirstRecordedOrderAndAccumulates()
    {
        var timings = new Timings();
        using (timings.Measure("load"))
            Thread.Sleep(20);
        timings.Add("score", 1.5);
        timings.Add("load", 2);

        var phases = timings.Phases;
        Assert.Equal(["load", "score"], phases.Select(p => p.Key));
        Assert.InRange(phases[0].Value, 2.015, 3);
        Assert.Equal(1.5, phases[1].Value);
        Assert.Equal(phases[0].Value + 1.5, timings.TotalSeconds, 12);
    }

    [Fact]
    public void DisposingTwiceRecordsOnce()
    {
        var timings = new Timings();
        var scope = timings.Measure("x");
        scope.Dispose();
        double first = timings.Phases.Single().Value;
        Thread.Sleep(5);
        scope.Dispose();
        Assert.Equal(first, timings.Phases.Single().Value);
    }

    [Fact]
    public void RejectsNegativeOrNonFiniteDurations()
    {
        var timings = new Timings();
        Assert.Throws<ArgumentOutOfRangeException>(() => timings.Add("x", -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => timings.Add("x", double.NaN));
        Assert.Empty(timings.Phases);
    }
}
