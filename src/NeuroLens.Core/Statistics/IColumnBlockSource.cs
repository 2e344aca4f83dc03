namespace NeuroLens.Core.Statistics;

/// <summary>
/// A tokens × neurons matrix read a block of columns at a time, so that column-wise statistics
/// (<see cref="GaussianWasserstein"/>) never need the whole matrix in memory: an in-memory tensor
/// (<see cref="TensorColumnSource"/>) or row shards on disk (<see cref="ShardedColumnSource"/>).
/// </summary>
public interface IColumnBlockSource
{
    /// <summary>N, the number of rows (tokens).</summary>
    long Rows { get; }

    /// <summary>D, the number of columns (neurons).</summary>
    long Columns { get; }

    /// <summary>
    /// Copies columns [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) as
    /// float32 into <paramref name="destination"/>, column-major: column <c>start + c</c> fills
    /// <c>destination[c·N .. (c+1)·N)</c> in row order. Called from one thread at a time.
    /// </summary>
    /// <param name="start">First column.</param>
    /// <param name="count">Number of columns.</param>
    /// <param name="destination">At least count × N floats.</param>
    void ReadColumns(long start, int count, Span<float> destination);
}
