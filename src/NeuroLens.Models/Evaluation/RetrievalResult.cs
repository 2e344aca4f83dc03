namespace NeuroLens.Models.Evaluation;

/// <summary>The outcome of <see cref="PairRetrieval.Evaluate"/>.</summary>
/// <param name="Top1Accuracy">The fraction of pairs whose b is the nearest b to their a.</param>
/// <param name="Correct">Pairs retrieved correctly.</param>
/// <param name="Pairs">Pairs in all.</param>
public sealed record RetrievalResult(double Top1Accuracy, int Correct, int Pairs);
