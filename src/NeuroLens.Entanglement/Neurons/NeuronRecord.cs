namespace NeuroLens.Entanglement.Neurons;

/// <summary>One row of <c>neurons.csv</c>: a neuron's output statistics over the captured tokens.</summary>
/// <param name="Layer">Linear layer (module name).</param>
/// <param name="Neuron">Output index.</param>
/// <param name="Wasserstein">WD of the standardised output to N(0,1) (NaN if constant).</param>
/// <param name="MappingDifficulty">MD (NaN if undefined).</param>
/// <param name="Mean">Output mean.</param>
/// <param name="Std">Output population standard deviation.</param>
public sealed record NeuronRecord(string Layer, int Neuron, double Wasserstein, double MappingDifficulty, double Mean, double Std);
