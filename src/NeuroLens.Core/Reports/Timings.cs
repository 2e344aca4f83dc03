using System.Diagnostics;

namespace NeuroLens.Core.Reports;

/// <summary>
/// Wall-clock durations of a command's named phases, in seconds, for the <c>timings</c> member of
/// <c>results.json</c>. Phases keep the order in which they were first recorded; measuring a phase
/// again adds to its total. Safe to use from several threads.
/// </summary>
/// <example>
/// <code>
/// var timings = new Timings();
/// using (timings.Measure("load"))
///     LoadModel();
/// </code>
/// </example>
public sealed class Timings
{
    private readonly object _gate = new();
    private readonly List<string> _order = [];
    private readonly Dictionary<string, double> _seconds = new(StringComparer.Ordinal);

    /// <summary>Starts timing <paramref name="phase"/>; disposing the returned scope stops it and records the elapsed time.</summary>
    /// <param name="phase">Name of the phase, e.g. <c>"load"</c> or <c>"prune"</c>.</param>
    /// <returns>A scope to dispose when the phase ends; disposing it twice records once.</returns>
    public IDisposable Measure(string phase)
    {
        ArgumentException.ThrowIfNullOrEmpty(phase);
        return new Scope(this, phase, Stopwatch.GetTimestamp());
    }

    /// <summary>Adds <paramref name="seconds"/> to the total of <paramref name="phase"/>.</summary>
    /// <param name="phase">Name of the phase.</param>
    /// <param name="seconds">Elapsed time in seconds; must be finite and not negative.</param>
    public void Add(string phase, double seconds)
    {
        ArgumentException.ThrowIfNullOrEmpty(phase);
        if (!double.IsFinite(seconds) || seconds < 0)
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "expected a finite, non-negative duration");
        lock (_gate)
        {
            if (_seconds.TryGetValue(phase, out double total))
            {
                _seconds[phase] = total + seconds;
            }
            else
            {
                _seconds[phase] = seconds;
                _order.Add(phase);
            }
        }
    }

    /// <summary>The phases recorded so far with their total seconds, in first-recorded order.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Phases
    {
        get
        {
            lock (_gate)
                return _order.Select(p => new KeyValuePair<string, double>(p, _seconds[p])).ToArray();
        }
    }

    /// <summary>The sum of all recorded phases, in seconds.</summary>
    public double TotalSeconds
    {
        get
        {
            lock (_gate)
                return _seconds.Values.Sum();
        }
    }

    private sealed class Scope(Timings owner, string phase, long start) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed)
                return;
            _disposed = true;
            owner.Add(phase, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    }
}
