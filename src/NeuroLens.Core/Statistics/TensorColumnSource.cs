using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Core.Statistics;

/// <summary>
/// An in-memory 2-D tensor (rows are tokens, columns neurons) as an <see cref="IColumnBlockSource"/>.
/// A contiguous float32 CPU tensor is transposed block by block straight from its memory with the given
/// number of threads; any other tensor is converted one block at a time with TorchSharp.
/// The tensor is borrowed, not owned.
/// </summary>
public sealed class TensorColumnSource : IColumnBlockSource
{
    private readonly Tensor _data;
    private readonly int _threads;

    /// <summary>Wraps <paramref name="data"/> (N × D, real numbers, any device).</summary>
    /// <param name="data">The matrix; it must outlive this source.</param>
    /// <param name="threads">Threads for the transposition (≥ 1).</param>
    public TensorColumnSource(Tensor data, int threads = 1)
    {
        if (data.dim() != 2)
            throw new NeuroLensException($"TensorColumnSource: expected a 2-D tensor (tokens × neurons), got shape [{string.Join(", ", data.shape)}].");
        if (data.is_complex() || data.dtype == ScalarType.Bool)
            throw new NeuroLensException($"TensorColumnSource: expected real numbers, got {data.dtype}.");
        _data = data;
        _threads = Math.Max(1, threads);
    }

    /// <inheritdoc/>
    public long Rows => _data.shape[0];

    /// <inheritdoc/>
    public long Columns => _data.shape[1];

    /// <inheritdoc/>
    public unsafe void ReadColumns(long start, int count, Span<float> destination)
    {
        long n = Rows, d = Columns;
        if (start < 0 || count < 0 || start + count > d)
            throw new NeuroLensException($"TensorColumnSource: columns [{start}, {start + count}) are outside 0..{d}.");
        if (destination.Length < count * n)
            throw new NeuroLensException($"TensorColumnSource: destination holds {destination.Length} floats, {count * n} needed.");
        if (_data.dtype == ScalarType.Float32 && _data.device_type == DeviceType.CPU && _data.is_contiguous()
            && n * d * 4L <= int.MaxValue) // Tensor.bytes is a Span: larger tensors take the TorchSharp path
        {
            fixed (byte* bytes = _data.bytes)
            fixed (float* dst0 = destination)
            {
                float* src = (float*)bytes;
                float* dst = dst0;
                // Groups of 16 columns: each task reads one 64-byte run per row and writes 16 column streams.
                int groups = (count + 15) / 16;
                Parallel.For(0, groups, new ParallelOptions { MaxDegreeOfParallelism = _threads }, g =>
                {
                    int c0 = g * 16, width = Math.Min(16, count - c0);
                    float* row = src + start + c0;
                    float* col = dst + (long)c0 * n;
                    for (long i = 0; i < n; i++, row += d)
                        for (int c = 0; c < width; c++)
                            col[c * n + i] = row[c];
                });
            }
            return;
        }
        using var scope = NewDisposeScope();
        var block = _data.narrow(1, start, count).to(ScalarType.Float32, CPU).t().contiguous();
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(block.bytes).CopyTo(destination);
    }
}
