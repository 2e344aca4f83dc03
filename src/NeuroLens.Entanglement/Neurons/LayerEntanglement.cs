namespace NeuroLens.Entanglement.Neurons;

/// <summary>Per-layer summary of <see cref="EntanglementAnalysis"/>.</summary>
/// <param name="Layer">Linear layer.</param>
/// <param name="Neurons">Output neurons.</param>
/// <param name="Tokens">Tokens captured.</param>
/// <param name="MeanWasserstein">Mean WD over non-constant neurons.</param>
/// <param name="MaxWasserstein">Largest WD.</param>
/// <param name="Spearman">Spearman rank correlation of WD with MD over neurons where both are defined.</param>
/// <param name="MdPairs">Token pairs used for MD.</param>
/// <param name="ConstantNeurons">Neurons with zero variance (WD NaN).</param>
/// <param name="Sets">Top, bottom and random neuron sets.</param>
public sealed record LayerEntanglement(string Layer, int Neurons, long Tokens, double MeanWasserstein, double MaxWasserstein,
    double Spearman, int MdPairs, int ConstantNeurons, NeuronSets Sets);
