using NeuroLens.Core;

namespace NeuroLens.Models.Training;

/// <summary>
/// Pythia's checkpoint steps: 0 (the initialisation), then 1, 2, 4, …, 512 (powers of two), then every
/// <c>every</c> steps (multiples of it), and always the final step. Step N is the model after N updates.
/// </summary>
public static class CheckpointSchedule
{
    /// <summary>The checkpoint steps of a run of <paramref name="steps"/> updates, ascending, without duplicates.</summary>
    public static IReadOnlyList<int> Steps(int steps, int every)
    {
        if (steps < 0) throw new NeuroLensException($"{steps} steps: expected 0 or more");
        if (every < 1) throw new NeuroLensException($"checkpoint every {every} steps: expected at least 1");
        var set = new SortedSet<int> { 0, steps };
        for (int p = 1; p <= 512 && p <= steps; p *= 2) set.Add(p);
        for (long k = every; k <= steps; k += every) set.Add((int)k);
        return [.. set];
    }

    /// <summary>Whether step <paramref name="step"/> is a checkpoint of a run of <paramref name="steps"/> updates.</summary>
    public static bool Contains(int step, int steps, int every) =>
        step == 0 || step == steps || (step <= 512 && (step & (step - 1)) == 0) || step % every == 0;
}
