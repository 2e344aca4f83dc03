namespace NeuroLens.Models.Tokenizers;

/// <summary>
/// A token matched verbatim in the text before the model sees it (<c>added_tokens</c> of a
/// <c>tokenizer.json</c>), such as <c>&lt;|endoftext|&gt;</c>.
/// </summary>
/// <param name="Id">Its id.</param>
/// <param name="Content">The exact text it stands for.</param>
/// <param name="Special">Whether it is a special (control) token rather than an ordinary added word.</param>
public sealed record AddedToken(int Id, string Content, bool Special);
