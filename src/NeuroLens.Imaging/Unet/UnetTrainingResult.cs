namespace NeuroLens.Imaging.Unet;

/// <summary>What a <see cref="UnetTrainer.Train"/> call did.</summary>
/// <param name="StartStep">The step the call started at (0, or the resumed checkpoint's step).</param>
/// <param name="Steps">The step count reached (equals the options' <see cref="UnetTrainingOptions.Steps"/>).</param>
/// <param name="Losses">The training loss of every step from 0, including steps restored from a checkpoint.</param>
/// <param name="LastCheckpoint">The folder of the last checkpoint written, or null.</param>
public sealed record UnetTrainingResult(int StartStep, int Steps, IReadOnlyList<double> Losses, string? LastCheckpoint);
