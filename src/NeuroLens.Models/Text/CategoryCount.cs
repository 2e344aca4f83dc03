namespace NeuroLens.Models.Text;

/// <summary>How often a concept category occurs in a corpus.</summary>
/// <param name="Category">The category.</param>
/// <param name="Words">Its number of words.</param>
/// <param name="Train">Occurrences of its words in train.txt.</param>
/// <param name="Validation">Occurrences in validation.txt.</param>
/// <param name="WordsSeen">Distinct words of it that occur in train.txt.</param>
public sealed record CategoryCount(string Category, int Words, long Train, long Validation, int WordsSeen);
