using System.Diagnostics;
using NeuroLens.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Benchmarks;

/// <summary>
/// <c>sae-profile D</c>: the median wall time of each piece of a TopK SAE step with AuxK (every latent dead) on the
/// benchmark's shapes (4,096 N(0, 1) rows, 16 × d latents, k = 32, k_aux = d/2), on 2 torch threads — to see which
/// piece dominates (docs/benchmarks.md, "Emergence: SAE training"). Not a BenchmarkDotNet benchmark: a quick breakdown.
/// </summary>
public static class SaeStepProfile
{
    /// <summary>Prints one line per piece: median and minimum over 5 repetitions after one warm-up.</summary>
    public static void Run(TextWriter output, int d)
    {
        ComputeSettings.Configure(2, "cpu");
        int n = 16 * d, k = 32, kAux = d / 2, b = 4096;
        using var x = randn([b, d], generator: new Generator(1));
        using var wEnc = randn([d, n], generator: new Generator(2)).div(TorchScalars.Of(Math.Sqrt(d)));
        using var wDec = wEnc.t().contiguous().requires_grad_();
        using var pre = x.matmul(wEnc);
        var (top, topIdx) = pre.topk(k, dim: 1, sorted: false);
        using var dead = ones(n, ScalarType.Bool);
        using var bag = nn.EmbeddingBag_from_pretrained(wDec, freeze: false, mode: EmbeddingBagMode.Sum);
        using var grad = randn([b, n]);
        var pieces = new (string Name, Action Body)[]
        {
            ("x W_enc [B, d] x [d, n]", () => { using var t = x.matmul(wEnc); }),
            ("x^T G (dense backward product)", () => { using var t = x.t().matmul(grad); }),
            ($"topk k = {k}", () => { var (v, i) = pre.topk(k, dim: 1, sorted: false); v.Dispose(); i.Dispose(); }),
            ($"masked_fill + topk k_aux = {kAux}", () =>
            {
                using var m = pre.masked_fill(dead.logical_not().unsqueeze(0), TorchScalars.Of(double.NegativeInfinity));
                var (v, i) = m.topk(kAux, dim: 1, sorted: false); v.Dispose(); i.Dispose();
            }),
            ($"embedding-bag decode k = {k}, forward + backward", () =>
            {
                using var scope = NewDisposeScope();
                var w = top.detach().requires_grad_();
                var o = bag.call(topIdx, null, w);
                o.sum().backward();
                wDec.grad?.zero_();
            }),
            ($"embedding-bag decode k = {k}, forward only", () =>
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var o = bag.call(topIdx, null, top);
            }),
            ($"embedding-bag decode k = {k}, forward + backward to W_dec only", () =>
            {
                using var scope = NewDisposeScope();
                var o = bag.call(topIdx, null, top.detach());
                o.sum().backward();
                wDec.grad?.zero_();
            }),
            ($"gather + bmm decode k = {k}, forward + backward", () =>
            {
                using var scope = NewDisposeScope();
                var w = top.detach().requires_grad_();
                var rows = wDec.index_select(0, topIdx.flatten()).view(b, k, d);
                var o = w.unsqueeze(1).bmm(rows).squeeze(1);
                o.sum().backward();
                wDec.grad?.zero_();
            }),
            ("scatter of k gradients into zeros [B, n]", () => { using var z = zeros([b, n]).scatter_(1, topIdx, top); }),
            ("[B, n] elementwise (relu)", () => { using var t = nn.functional.relu(pre); }),
        };
        foreach (var (name, body) in pieces)
        {
            body();
            var times = new List<double>();
            for (int r = 0; r < 5; r++)
            {
                var clock = Stopwatch.StartNew();
                body();
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            output.WriteLine($"d={d} {name}: median {times[2]:F1} ms, min {times[0]:F1} ms");
        }
        top.Dispose();
        topIdx.Dispose();
    }
}
