using NeuroLens.Core;

namespace NeuroLens.Models.Training;

/// <summary>
/// Linear warm-up then cosine decay: step s (0-based, the s-th optimizer update) uses
/// <c>peak · (s + 1) / warmup</c> while <c>s &lt; warmup</c>, then
/// <c>min + (peak − min) · (1 + cos(π · (s − warmup) / (steps − 1 − warmup))) / 2</c>, which is the peak
/// right after the warm-up and exactly <c>min</c> on the last step.
/// </summary>
public sealed class LrSchedule
{
    private readonly double _peak, _min;
    private readonly int _warmup, _steps;

    /// <summary>A schedule over <paramref name="steps"/> updates.</summary>
    public LrSchedule(double peak, double min, int warmup, int steps)
    {
        if (!(peak > 0) || double.IsInfinity(peak)) throw new NeuroLensException($"learning rate {peak}: expected a positive number");
        if (!(min >= 0) || min > peak) throw new NeuroLensException($"minimum learning rate {min}: expected 0 to the peak {peak}");
        if (warmup < 0) throw new NeuroLensException($"warm-up of {warmup} steps: expected 0 or more");
        if (steps < 1) throw new NeuroLensException($"{steps} steps: expected at least 1");
        (_peak, _min, _warmup, _steps) = (peak, min, warmup, steps);
    }

    /// <summary>The learning rate of update <paramref name="step"/> (0-based).</summary>
    public double At(int step)
    {
        if (step < 0 || step >= _steps) throw new ArgumentOutOfRangeException(nameof(step), $"step {step} outside 0..{_steps - 1}");
        if (step < _warmup) return _peak * (step + 1) / _warmup;
        int span = _steps - 1 - _warmup;
        if (span <= 0) return _peak;
        double progress = (double)(step - _warmup) / span;
        return _min + (_peak - _min) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
