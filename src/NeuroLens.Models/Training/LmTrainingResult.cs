namespace NeuroLens.Models.Training;

/// <summary>What <see cref="LmTrainer.Train"/> did.</summary>
/// <param name="StartStep">The step this invocation started from (0, or the resumed step).</param>
/// <param name="Step">The step it stopped at (<see cref="LmTrainingOptions.Steps"/> when <paramref name="Completed"/>).</param>
/// <param name="Completed">Whether the run reached its final step.</param>
/// <param name="Losses">Training loss of every update from step 0 (including the updates of earlier invocations).</param>
/// <param name="Checkpoints">Every checkpoint saved so far, in step order.</param>
/// <param name="TokensPerSecond">Training throughput of this invocation (tokens through forward and backward per second; 0 when it made no update).</param>
public sealed record LmTrainingResult(int StartStep, int Step, bool Completed, IReadOnlyList<double> Losses, IReadOnlyList<LmCheckpoint> Checkpoints, double TokensPerSecond);
