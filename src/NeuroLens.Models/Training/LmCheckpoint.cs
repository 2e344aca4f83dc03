namespace NeuroLens.Models.Training;

/// <summary>One saved checkpoint of a training run and its validation score.</summary>
/// <param name="Step">Optimizer updates before it (0: the initialisation).</param>
/// <param name="Tokens">Training tokens seen (step × batch × context).</param>
/// <param name="LearningRate">The learning rate of the last update before it (0 at step 0).</param>
/// <param name="TrainLoss">Mean training cross-entropy (nats per token) of the updates since the previous checkpoint; null at step 0.</param>
/// <param name="ValidationLoss">Mean over the validation windows of each window's mean next-token NLL (nats), as <c>Perplexity.Evaluate</c> computes it.</param>
/// <param name="ValidationPerplexity">exp(<paramref name="ValidationLoss"/>).</param>
/// <param name="Folder">The Hugging Face folder, relative to the output folder (<c>checkpoints/step{N}</c>).</param>
public sealed record LmCheckpoint(int Step, long Tokens, double LearningRate, double? TrainLoss, double ValidationLoss, double ValidationPerplexity, string Folder);
