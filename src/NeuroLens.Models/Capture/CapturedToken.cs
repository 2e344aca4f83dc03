namespace NeuroLens.Models.Capture;

/// <summary>Where one captured row came from.</summary>
/// <param name="Text">The ordinal of its sequence among all sequences fed to the capture (batch rows counted across batches, padding rows included), from 0.</param>
/// <param name="Position">Its position in that sequence (0 is the first token, special tokens included).</param>
/// <param name="TokenId">Its vocabulary id.</param>
public readonly record struct CapturedToken(long Text, int Position, int TokenId);
