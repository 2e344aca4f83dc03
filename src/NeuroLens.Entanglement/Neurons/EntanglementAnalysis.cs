using NeuroLens.Core;
using NeuroLens.Core.Statistics;
using NeuroLens.Entanglement.Models;
using NeuroLens.Models.Language;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Neurons;

/// <summary>
/// Wasserstein neurons of a model (entanglement.md §1–3): the inputs X of the chosen linear layers are
/// recorded at real tokens, outputs are Y = X Wᵀ + b (pre-activation), and per neuron the WD to N(0,1),
/// MD, mean and std are computed; per layer the top/bottom/random sets and the WD–MD rank correlation.
/// All layers' inputs are held in memory together (tokens × d_in floats per layer).
/// </summary>
public static class EntanglementAnalysis
{
    /// <summary>Runs the data through <paramref name="model"/> and analyses the chosen layers.</summary>
    public static EntanglementResult Run(ILanguageModel model, TokenData data, EntanglementOptions options)
    {
        var layers = Enumerable.Range(0, model.NumLayers)
            .SelectMany(l => options.Layers.Count == 0 ? LayerSelection.FirstFeedForward(model, l) : LayerSelection.AllInBlock(model, l, options.Layers))
            .ToList();
        if (layers.Count == 0)
            throw new NeuroLensException($"entangle: no linear layer matches {string.Join(", ", options.Layers)}");
        var inputs = LinearInputRecorder.Record(model, data, layers);

        var neurons = new List<NeuronRecord>();
        var summaries = new List<LayerEntanglement>();
        var topOutputs = new Dictionary<string, IReadOnlyList<(int, double, double[])>>();
        try
        {
            foreach (var name in layers)
            {
                using var scope = NewDisposeScope();
                var linear = model.GetLinear(name);
                var x = inputs[name];
                var y = nn.functional.linear(x, linear.weight!.detach().to(x.device), linear.bias?.detach().to(x.device)).cpu();
                var wd = GaussianWasserstein.Compute(y, new GaussianWassersteinOptions { Reference = options.Reference, Seed = options.Seed });
                var md = MappingDifficulty.Compute(x, y, options.Pairs, options.Seed);
                for (int j = 0; j < wd.Distances.Length; j++)
                    neurons.Add(new NeuronRecord(name, j, wd.Distances[j], md.Values[j], wd.Means[j], wd.StandardDeviations[j]));
                var both = Enumerable.Range(0, wd.Distances.Length).Where(j => !double.IsNaN(wd.Distances[j]) && !double.IsNaN(md.Values[j])).ToArray();
                double spearman = both.Length > 2
                    ? Correlation.Spearman(both.Select(j => wd.Distances[j]).ToArray(), both.Select(j => md.Values[j]).ToArray())
                    : double.NaN;
                var valid = wd.Distances.Where(v => !double.IsNaN(v)).ToArray();
                var sets = NeuronSets.Select(wd.Distances, options.TopPercent, options.Seed);
                summaries.Add(new LayerEntanglement(name, wd.Distances.Length, x.shape[0], valid.Length > 0 ? valid.Average() : double.NaN,
                    valid.Length > 0 ? valid.Max() : double.NaN, spearman, md.Pairs, wd.ConstantColumns.Length, sets));
                topOutputs[name] = sets.Top.Take(options.KeepTopOutputs).Select(j =>
                {
                    var column = y[.., j].to(ScalarType.Float64).data<double>().ToArray();
                    return (j, wd.Distances[j], column.Select(v => (v - wd.Means[j]) / wd.StandardDeviations[j]).ToArray());
                }).ToList();
            }
        }
        finally
        {
            foreach (var t in inputs.Values) t.Dispose();
        }
        return new EntanglementResult(neurons, summaries, topOutputs);
    }
}
