namespace NeuroLens.Models.Capture;

/// <summary>What <see cref="ActivationCapture.Run"/> records and where.</summary>
public sealed record CaptureOptions
{
    /// <summary>The default memory budget: 256 MiB.</summary>
    public const long DefaultMemoryBudgetBytes = 256L << 20;

    /// <summary>Site specifications (see <see cref="CaptureSites"/>): <c>resid_post.L</c>, or a module glob with an optional <c>:input</c>, <c>:output</c> or <c>:both</c>.</summary>
    public required IReadOnlyList<string> Sites { get; init; }

    /// <summary>Stop after this many real tokens (null: all the batches give); the last batch is cut in row order.</summary>
    public long? MaxTokens { get; init; }

    /// <summary>
    /// Bytes of captured rows held in memory. With a <see cref="Folder"/>, rows are buffered up to this
    /// size (all sites plus the token index) and then written as one shard, so the buffer never
    /// exceeds it; without one, a capture that would exceed it fails. Not counted: the forward pass of
    /// one batch and the copy of that batch's rows (set by the batch size).
    /// </summary>
    public long MemoryBudgetBytes { get; init; } = DefaultMemoryBudgetBytes;

    /// <summary>The folder to stream shards to (created if needed; an earlier capture there is replaced); null keeps the capture in memory.</summary>
    public string? Folder { get; init; }
}
