namespace NeuroLens.Models.Tokenizers;

/// <summary>How a SentencePiece-style tokenizer puts the "▁" word marker before a piece of text.</summary>
public enum SpacePrepend
{
    /// <summary>Never.</summary>
    Never,

    /// <summary>Before every non-empty piece between added tokens (Llama 2's <c>Prepend</c> normalizer).</summary>
    Always,

    /// <summary>Before every piece that does not already start with it (Metaspace <c>prepend_scheme: always</c>).</summary>
    AlwaysUnlessPresent,

    /// <summary>Only before the piece at the start of the text, unless it starts with it (Metaspace <c>first</c>).</summary>
    First,
}
