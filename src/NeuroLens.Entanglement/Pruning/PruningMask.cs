using NeuroLens.Core;
using NeuroLens.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Pruning;

/// <summary>Masks (true = prune) with an exact number of zeros chosen by lowest score.</summary>
internal static class PruningMask
{
    /// <summary>
    /// Per output row: the lowest scores of each row, round(s · d_out · d_in) in all (spread as evenly as possible over the rows), or for N:M the N lowest of every M
    /// consecutive columns. Ties go to the lower column index (stable sort), so the count is exact.
    /// </summary>
    public static Tensor PerRow(Tensor scores, SparsitySpec sparsity)
    {
        using var scope = NewDisposeScope();
        long rows = scores.shape[0], columns = scores.shape[1];
        if (sparsity.IsNM)
        {
            if (columns % sparsity.M != 0)
                throw new NeuroLensException($"sparsity {sparsity}: the layer has {columns} input columns, not a multiple of M = {sparsity.M}.");
            var groups = scores.reshape(rows, columns / sparsity.M, sparsity.M);
            var order = groups.sort(2, stable: true).Indices.narrow(2, 0, sparsity.N);
            var mask = zeros(groups.shape, dtype: ScalarType.Bool, device: scores.device);
            Mark(mask, 2, order);
            return mask.reshape(rows, columns).MoveToOuterDisposeScope();
        }
        // round(s · rows · columns) zeros in all; each row gets ⌊total/rows⌋, the first (total mod rows) rows one more,
        // so the achieved sparsity equals the request even when s · columns is not an integer.
        long total = sparsity.ZerosIn(rows * columns), basePerRow = total / rows, extra = total % rows;
        using var basePerRowScalar = basePerRow.ToScalar();
        var perRow = full(rows, basePerRowScalar, dtype: ScalarType.Int64, device: scores.device);
        if (extra > 0) perRow.narrow(0, 0, extra).add_(TorchScalars.One, TorchScalars.One);
        var sorted = scores.sort(1, stable: true).Indices;
        using var columnsScalar = columns.ToScalar();
        var rank = empty_like(sorted).scatter_(1, sorted, arange(TorchScalars.Zero, columnsScalar, TorchScalars.One, dtype: ScalarType.Int64, device: scores.device).expand(rows, columns).contiguous());
        var result = rank.lt(perRow.unsqueeze(1));
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>The round(s · numel) lowest scores of the whole matrix (unstructured only).</summary>
    public static Tensor PerLayer(Tensor scores, SparsitySpec sparsity)
    {
        if (sparsity.IsNM) return PerRow(scores, sparsity);
        using var scope = NewDisposeScope();
        long k = sparsity.ZerosIn(scores.numel());
        var flat = zeros(scores.numel(), dtype: ScalarType.Bool, device: scores.device);
        if (k > 0) Mark(flat, 0, scores.flatten().sort(0, stable: true).Indices.narrow(0, 0, k));
        return flat.reshape(scores.shape).MoveToOuterDisposeScope();
    }

    /// <summary>Sets mask[…index…] = true along <paramref name="dim"/>.</summary>
    public static void Mark(Tensor mask, long dim, Tensor index)
    {
        using var values = ones(index.shape, dtype: ScalarType.Bool, device: mask.device);
        mask.scatter_(dim, index, values);
    }
}
