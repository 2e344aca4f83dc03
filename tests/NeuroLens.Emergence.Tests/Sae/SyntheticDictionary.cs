using static TorchSharp.torch;

namespace NeuroLens.Emergence.Tests.Sae;

/// <summary>x = D s + noise with a known dictionary D (unit-norm columns) and sparse non-negative codes s.</summary>
internal static class SyntheticDictionary
{
    /// <summary>Atoms [atoms, d] (unit rows) and data [n, d]: each row the sum of <paramref name="active"/> distinct atoms with weights in [0.5, 1.5], plus N(0, noise²) per coordinate.</summary>
    public static (Tensor Atoms, Tensor Data) Make(int d, int atoms, int n, int active, double noise, ulong seed)
    {
        using var generator = new Generator(seed);
        using var scope = NewDisposeScope();
        var dictionary = randn([atoms, d], generator: generator);
        dictionary = dictionary.div(dictionary.norm(1, keepdim: true));
        // Distinct atoms per row: the first `active` entries of a random ordering of the atoms.
        var order = rand([n, atoms], generator: generator).argsort(1).narrow(1, 0, active);
        var weights = rand([n, active], generator: generator).add(0.5);
        var codes = zeros([n, atoms]).scatter_(1, order, weights);
        var data = codes.matmul(dictionary).add(randn([n, d], generator: generator).mul(noise));
        return (dictionary.MoveToOuterDisposeScope(), data.MoveToOuterDisposeScope());
    }

    /// <summary>Fraction of atoms for which some decoder row has cosine ≥ <paramref name="threshold"/>.</summary>
    public static double Recovered(Tensor atoms, Tensor decoderRows, double threshold)
    {
        using var scope = NewDisposeScope();
        var a = atoms.div(atoms.norm(1, keepdim: true));
        var w = decoderRows.detach().div(decoderRows.detach().norm(1, keepdim: true));
        var best = a.matmul(w.t()).amax(1);
        return best.ge(threshold).to_type(ScalarType.Float32).mean().item<float>();
    }
}
