namespace NeuroLens.Core.Progress;

/// <summary>
/// One progress report from library code. Libraries take an <see cref="IProgress{T}"/> of these and
/// never write to the console; the CLI renders them as progress bars with rate and ETA on a terminal
/// and drops them when output is redirected or <c>--quiet</c> is given.
/// </summary>
/// <param name="Task">A short, stable description of the work ("sorting layer 3", "training").</param>
/// <param name="Completed">Units done so far.</param>
/// <param name="Total">Units in all, or 0 when unknown.</param>
/// <param name="Unit">What a unit is ("tokens", "steps", "bytes"), shown with the rate.</param>
public readonly record struct ProgressUpdate(string Task, long Completed, long Total, string Unit = "items");
