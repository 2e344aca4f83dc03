namespace NeuroLens.Entanglement.Neurons;

/// <summary>Output of <see cref="MappingDifficulty.Compute(TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, int, long)"/>.</summary>
/// <param name="Values">MD_j per neuron (NaN when the neuron's median output difference N_y is 0).</param>
/// <param name="Pairs">Token pairs used (disjoint, with ‖x_a − x_b‖ &gt; 0).</param>
/// <param name="InputScale">N_x, the largest input distance over the pairs.</param>
public sealed record MappingDifficultyResult(double[] Values, int Pairs, double InputScale);
