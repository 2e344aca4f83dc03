using static TorchSharp.torch;

namespace NeuroLens.Emergence.Activations;

/// <summary>
/// Where SAE training and evaluation read activations from: a stream of row chunks [m, d] (one row per
/// token), the same rows in the same order on every pass, so that seeded shuffling and resuming are
/// reproducible.
/// </summary>
public interface IActivationSource
{
    /// <summary>Width d of each row.</summary>
    int Dimension { get; }

    /// <summary>Rows in one pass.</summary>
    long Rows { get; }

    /// <summary>One pass over the rows as float32 CPU chunks [m, d]; the caller disposes each chunk.</summary>
    IEnumerable<Tensor> ReadChunks();
}
