namespace NeuroLens.Entanglement.Models;

/// <summary>One evaluation of a (modified) model (entanglement.md §6).</summary>
/// <param name="Metric"><c>fidelity</c> (encoders: mean cosine of pooled normalised embeddings to the dense model; 1 = identical) or <c>perplexity</c> (causal LMs; lower is better).</param>
/// <param name="Value">The metric's value.</param>
/// <param name="Sequences">Texts or windows evaluated.</param>
public sealed record EvaluationScore(string Metric, double Value, int Sequences);
