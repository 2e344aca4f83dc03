namespace NeuroLens.Models.Text;

/// <summary>What <see cref="CorpusBuilder.Make"/> writes and from what.</summary>
public sealed record CorpusOptions
{
    /// <summary>The output folder.</summary>
    public required string OutFolder { get; init; }

    /// <summary>Generate this many sentences (train and validation together).</summary>
    public long? Sentences { get; init; }

    /// <summary>Generate about this many megabytes (10⁶ bytes) of text (train and validation together).</summary>
    public double? Megabytes { get; init; }

    /// <summary>Seed of the generator.</summary>
    public int Seed { get; init; }

    /// <summary>Share of paragraphs (generated) or line blocks (<see cref="FromFiles"/>) put in validation.txt, in [0, 0.5].</summary>
    public double ValidationFraction { get; init; } = 0.05;

    /// <summary>User text files to use instead of generating (UTF-8); empty to generate.</summary>
    public IReadOnlyList<string> FromFiles { get; init; } = [];

    /// <summary>Lines per block when splitting <see cref="FromFiles"/>.</summary>
    public int BlockLines { get; init; } = 20;

    /// <summary>Vocabulary size of the byte-level BPE tokenizer trained on train.txt.</summary>
    public int TokenizerVocab { get; init; } = 4096;
}
