namespace NeuroLens.Models.Capture;

/// <summary>What a capture site records.</summary>
public enum CaptureSiteKind
{
    /// <summary>The input of a linear layer, (tokens, in_features).</summary>
    LinearInput,

    /// <summary>The output of a linear layer before any activation, (tokens, out_features): y = W x + b.</summary>
    LinearOutput,

    /// <summary>The residual stream after block ℓ, (tokens, hidden size): the output of <c>ILanguageModel.Block(ℓ)</c>.</summary>
    ResidPost,
}
