using NeuroLens.Core.Runtime;
using NeuroLens.Models.Language;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Models.Training;

/// <summary>
/// The seeded initialisation of a model trained from scratch, GPT-2/GPT-NeoX style: every matrix and
/// embedding N(0, 0.02²), the output projections of each block (<c>attention.dense</c>,
/// <c>mlp.dense_4h_to_h</c>) N(0, (0.02 / √(2·layers))²) so the residual stream does not grow with depth,
/// biases 0, LayerNorm weights 1. Parameters are visited in <c>named_parameters()</c> order and drawn from
/// one CPU generator seeded with the seed, so the same seed gives the same weights whatever the module's
/// own constructor did.
/// </summary>
public static class LmInitialization
{
    /// <summary>Standard deviation of the matrices and embeddings.</summary>
    public const double Std = 0.02;

    /// <summary>Re-initialises every parameter of <paramref name="model"/> in place.</summary>
    public static void Apply(ILanguageModel model, int seed)
    {
        using var generator = new Generator(unchecked((ulong)(uint)seed), CPU);
        double outputStd = Std / Math.Sqrt(2.0 * Math.Max(1, model.NumLayers));
        using var _ = no_grad();
        foreach (var (name, parameter) in model.Module.named_parameters())
        {
            if (parameter.dim() < 2)
            {
                if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
                else parameter.fill_(TorchScalars.Of(1.0));
                continue;
            }
            bool output = name.EndsWith("attention.dense.weight", StringComparison.Ordinal)
                || name.EndsWith("mlp.dense_4h_to_h.weight", StringComparison.Ordinal);
            // torch.normal(0, std, shape) as TorchSharp computes it (randn · std + 0), with the Scalars held.
            using var std = (output ? outputStd : Std).ToScalar();
            using var values = randn(parameter.shape, generator: generator);
            values.mul_(std).add_(TorchScalars.Of(0.0), TorchScalars.One);
            parameter.copy_(values);
        }
    }
}
