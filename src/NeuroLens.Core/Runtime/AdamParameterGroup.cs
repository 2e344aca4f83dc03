using static TorchSharp.torch;

namespace NeuroLens.Core.Runtime;

/// <summary>
/// Parameters that an <see cref="AdamOptimizer"/> updates with the same weight decay (PyTorch's parameter
/// group). The learning rate is not part of the group: it is given to every <see cref="AdamOptimizer.Step"/>.
/// </summary>
public sealed class AdamParameterGroup
{
    /// <summary>A group of <paramref name="parameters"/> (tensors that require gradients) with the given weight decay.</summary>
    /// <param name="parameters">The parameters, in the order their state is stored.</param>
    /// <param name="weightDecay">
    /// Weight decay, 0 or more: added to the gradient as <c>wd·p</c> by Adam (L2), applied to the parameter as
    /// <c>p ← p·(1 − lr·wd)</c> by AdamW (decoupled).
    /// </param>
    public AdamParameterGroup(IEnumerable<Tensor> parameters, double weightDecay = 0)
    {
        if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be 0 or more");
        Parameters = parameters.ToArray();
        WeightDecay = weightDecay;
    }

    /// <summary>The parameters, in order.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The group's weight decay.</summary>
    public double WeightDecay { get; }
}
