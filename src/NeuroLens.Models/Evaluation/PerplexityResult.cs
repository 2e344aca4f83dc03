namespace NeuroLens.Models.Evaluation;

/// <summary>The outcome of <see cref="Perplexity.Evaluate"/>.</summary>
/// <param name="Value">exp(<paramref name="MeanNll"/>).</param>
/// <param name="MeanNll">The mean over windows of each window's mean next-token negative log-likelihood (nats).</param>
/// <param name="Windows">Windows evaluated (those with at least one prediction).</param>
/// <param name="Predictions">Next-token predictions scored, all windows together.</param>
/// <param name="WindowNll">Each window's mean NLL, in input order.</param>
public sealed record PerplexityResult(double Value, double MeanNll, int Windows, long Predictions, IReadOnlyList<double> WindowNll);
