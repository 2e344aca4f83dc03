namespace NeuroLens.Models.Evaluation;

/// <summary>The outcome of <see cref="EmbeddingFidelity.Evaluate"/>.</summary>
/// <param name="MeanCosine">The mean over texts of the cosine between the two models' embeddings.</param>
/// <param name="MinCosine">The smallest cosine.</param>
/// <param name="Texts">The number of texts.</param>
/// <param name="Cosines">Each text's cosine, in input order.</param>
public sealed record FidelityResult(double MeanCosine, double MinCosine, int Texts, IReadOnlyList<double> Cosines);
