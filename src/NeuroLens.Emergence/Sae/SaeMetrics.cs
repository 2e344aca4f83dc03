using NeuroLens.Core.Runtime;
using NeuroLens.Emergence.Activations;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Sae;

/// <summary>
/// L0, dead fraction, mean-centred FVU, explained variance and cosine of an SAE on activations
/// (emergence.md §2), accumulated in float64 over batches.
/// </summary>
/// <remarks>
/// FVU = Σ_t ‖x_t − x̂_t‖² / Σ_t ‖x_t − x̄‖² with x̄ the mean of the evaluation tokens. Measuring the
/// denominator about zero (Σ‖x_t‖²), as some code does, flatters an SAE on activations with a large
/// mean, which residual streams have. The denominator is accumulated about a shift (the first batch's
/// mean) so that a large offset does not cancel catastrophically.
/// </remarks>
public static class SaeMetrics
{
    /// <summary>The metrics of <paramref name="sae"/> over every row of <paramref name="source"/>.</summary>
    public static SaeQuality Evaluate(SparseAutoencoder sae, IActivationSource source)
    {
        var accumulator = new Accumulator(sae.Latents);
        foreach (var chunk in source.ReadChunks())
            using (chunk)
                accumulator.Add(sae, chunk);
        return accumulator.Result();
    }

    /// <summary>The metrics of <paramref name="sae"/> on activations [N, d_in].</summary>
    public static SaeQuality Evaluate(SparseAutoencoder sae, Tensor activations) =>
        Evaluate(sae, new TensorActivationSource(activations));

    /// <summary>Mean-centred FVU of reconstructions <paramref name="reconstruction"/> of <paramref name="x"/> (both [N, d]).</summary>
    public static double Fvu(Tensor x, Tensor reconstruction)
    {
        using var scope = NewDisposeScope();
        var xd = x.to_type(ScalarType.Float64);
        var error = xd.sub(reconstruction.to_type(ScalarType.Float64)).pow(TorchScalars.Two).sum().item<double>();
        var variance = xd.sub(xd.mean([0], keepdim: true)).pow(TorchScalars.Two).sum().item<double>();
        return error / variance;
    }

    /// <summary>Streams batches into running sums.</summary>
    public sealed class Accumulator
    {
        private readonly long[] _fired;
        private double _error, _cosine, _active;
        private long _tokens;
        private double[]? _shift;
        private double[]? _sum;
        private double _sumSquares;

        /// <summary>A fresh accumulator for an SAE of <paramref name="latents"/> latents.</summary>
        public Accumulator(int latents) => _fired = new long[latents];

        /// <summary>Adds the rows [N, d_in] of <paramref name="x"/>.</summary>
        public void Add(SparseAutoencoder sae, Tensor x)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var codes = sae.Encode(x);
            var xHat = sae.Decode(codes);
            Add(x, xHat, codes);
        }

        /// <summary>Adds rows with their reconstructions and codes.</summary>
        public void Add(Tensor x, Tensor reconstruction, Tensor codes)
        {
            using var scope = NewDisposeScope();
            var xd = x.to_type(ScalarType.Float64);
            var rd = reconstruction.to_type(ScalarType.Float64);
            if (_shift is null)
            {
                _shift = xd.mean([0]).data<double>().ToArray();
                _sum = new double[_shift.Length];
            }
            var shift = tensor(_shift);
            var centred = xd.sub(shift);
            var sum = centred.sum(dim: 0).data<double>().ToArray();
            for (int i = 0; i < sum.Length; i++) _sum![i] += sum[i];
            _sumSquares += centred.pow(TorchScalars.Two).sum().item<double>();
            _error += xd.sub(rd).pow(TorchScalars.Two).sum().item<double>();
            _cosine += nn.functional.cosine_similarity(xd, rd, 1, 1e-12).sum().item<double>();
            var active = codes.gt(TorchScalars.Zero);
            _active += active.sum().item<long>();
            var counts = active.sum(dim: 0).to_type(ScalarType.Int64).data<long>().ToArray();
            for (int j = 0; j < counts.Length; j++) _fired[j] += counts[j];
            _tokens += x.shape[0];
        }

        /// <summary>The metrics so far.</summary>
        public SaeQuality Result()
        {
            if (_tokens == 0) return new SaeQuality(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
            double meanSquare = _sum!.Sum(s => (s / _tokens) * (s / _tokens));
            double variance = _sumSquares - _tokens * meanSquare;
            double fvu = _error / variance;
            return new SaeQuality(_tokens, _active / _tokens, _fired.Count(f => f == 0) / (double)_fired.Length, fvu, 1 - fvu, _cosine / _tokens);
        }
    }
}
