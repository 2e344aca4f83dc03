namespace NeuroLens.Entanglement.Neurons;

/// <summary>Output of <see cref="EntanglementAnalysis.Run"/>.</summary>
/// <param name="Neurons">Every neuron of every analysed layer.</param>
/// <param name="Layers">One summary per layer, in data order.</param>
/// <param name="TopOutputs">Per layer, the standardised outputs (z-scores over the tokens) of its highest-WD neurons, highest first.</param>
public sealed record EntanglementResult(IReadOnlyList<NeuronRecord> Neurons, IReadOnlyList<LayerEntanglement> Layers,
    IReadOnlyDictionary<string, IReadOnlyList<(int Neuron, double Wasserstein, double[] Z)>> TopOutputs);
