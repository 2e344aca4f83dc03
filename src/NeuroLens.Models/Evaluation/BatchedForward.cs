using NeuroLens.Models.Language;
using NeuroLens.Models.Tokenizers;
using static TorchSharp.torch;

namespace NeuroLens.Models.Evaluation;

/// <summary>
/// The forward loop the evaluations share: each batch (enumerated once, disposed after use) moved as int64 ids
/// and mask to the model's device and run through <see cref="ILanguageModel.Forward"/> without gradients, inside a
/// dispose scope per batch (a tensor kept from <c>use</c> needs <c>MoveToOuterDisposeScope</c>).
/// </summary>
internal static class BatchedForward
{
    /// <summary>Calls <paramref name="use"/> with each batch's output, ids and mask, in batch order.</summary>
    public static void Run(ILanguageModel model, IEnumerable<TokenBatch> batches, CancellationToken cancellation, Action<Tensor, Tensor, Tensor> use)
    {
        var device = model.Module.parameters().FirstOrDefault()?.device ?? CPU;
        foreach (var batch in batches)
        {
            using (batch)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                var ids = batch.InputIds.to(int64).to(device);
                var mask = batch.AttentionMask.to(int64).to(device);
                use(model.Forward(ids, mask), ids, mask);
            }
        }
    }
}
