namespace NeuroLens.Models.Text;

/// <summary>What <see cref="CorpusBuilder.Make"/> wrote.</summary>
/// <param name="Source">"generated" or the user files' paths joined by ", ".</param>
/// <param name="TrainLines">Lines (paragraphs when generated) in train.txt.</param>
/// <param name="ValidationLines">Lines in validation.txt.</param>
/// <param name="Sentences">Generated sentences (null for user files).</param>
/// <param name="TrainBytes">Size of train.txt.</param>
/// <param name="ValidationBytes">Size of validation.txt.</param>
/// <param name="TrainTokens">Tokens of train.txt under the trained tokenizer.</param>
/// <param name="ValidationTokens">Tokens of validation.txt.</param>
/// <param name="TokenizerVocab">The trained tokenizer's vocabulary size (smaller than asked when the text has too few distinct pairs).</param>
/// <param name="Categories">Per built-in category: occurrences in train and validation and distinct words seen.</param>
public sealed record CorpusSummary(string Source, long TrainLines, long ValidationLines, long? Sentences, long TrainBytes, long ValidationBytes,
    long TrainTokens, long ValidationTokens, int TokenizerVocab, IReadOnlyList<CategoryCount> Categories);

/// <summary>How often a concept category occurs in a corpus.</summary>
/// <param name="Category">The category.</param>
/// <param name="Words">Its number of words.</param>
/// <param name="Train">Occurrences of its words in train.txt.</param>
/// <param name="Validation">Occurrences in validation.txt.</param>
/// <param name="WordsSeen">Distinct words of it that occur in train.txt.</param>
public sealed record CategoryCount(string Category, int Words, long Train, long Validation, int WordsSeen);
