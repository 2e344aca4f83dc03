using NeuroLens.Core.Runtime;
using NeuroLens.Tests;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Core.Tests.Runtime;

public class AdamOptimizerTests
{
    // Problem: loss = Σ (A·p − b)² + 3·Σ (q − c)², p ∈ R³ (group 0), q ∈ R² (group 1); gradients by hand below.
    private static readonly double[,] A = { { 1.0, -2.0, 0.5 }, { 0.3, 1.5, -1.0 }, { 2.0, 0.1, 0.7 }, { -0.4, 0.9, 1.2 } };
    private static readonly double[] B = { 0.5, -1.0, 2.0, 0.25 };
    private static readonly double[] C = { -0.75, 1.25 };
    private static readonly double[] P0 = { 0.2, -0.4, 1.1 };
    private static readonly double[] Q0 = { 2.0, -1.5 };
    private static readonly double[] Rates = { 0.1, 0.05, 0.08, 0.02, 0.03, 0.01 };
    private const double WeightDecayP = 0.1, WeightDecayQ = 0.0, Beta1 = 0.85, Beta2 = 0.99, Eps = 1e-6;

    private static double[] GradP(double[] p)
    {
        var g = new double[3];
        for (int r = 0; r < 4; r++)
        {
            double residual = -B[r];
            for (int c = 0; c < 3; c++) residual += A[r, c] * p[c];
            for (int c = 0; c < 3; c++) g[c] += 2 * A[r, c] * residual;
        }
        return g;
    }

    private static double[] GradQ(double[] q) => q.Select((v, i) => 6 * (v - C[i])).ToArray();

    // The update written out from PyTorch's documented algorithm, in double precision.
    private static (double[] P, double[] Q) Reference(bool decoupled, int steps)
    {
        double[] p = (double[])P0.Clone(), q = (double[])Q0.Clone();
        var m = new[] { new double[3], new double[2] };
        var v = new[] { new double[3], new double[2] };
        for (int t = 1; t <= steps; t++)
        {
            double lr = Rates[t - 1];
            var grads = new[] { GradP(p), GradQ(q) };
            var ps = new[] { p, q };
            var wds = new[] { WeightDecayP, WeightDecayQ };
            for (int k = 0; k < 2; k++)
            {
                for (int i = 0; i < ps[k].Length; i++)
                {
                    double g = grads[k][i];
                    if (decoupled) ps[k][i] *= 1 - lr * wds[k];
                    else g += wds[k] * ps[k][i];
                    m[k][i] = Beta1 * m[k][i] + (1 - Beta1) * g;
                    v[k][i] = Beta2 * v[k][i] + (1 - Beta2) * g * g;
                    double mHat = m[k][i] / (1 - Math.Pow(Beta1, t));
                    double denominator = Math.Sqrt(v[k][i]) / Math.Sqrt(1 - Math.Pow(Beta2, t)) + Eps;
                    ps[k][i] -= lr * mHat / denominator;
                }
            }
        }
        return (p, q);
    }

    private sealed class Problem : IDisposable
    {
        public readonly Tensor P = tensor(P0, requires_grad: true);
        public readonly Tensor Q = tensor(Q0, requires_grad: true);
        private readonly Tensor _a = tensor(A.Cast<double>().ToArray(), 4, 3);
        private readonly Tensor _b = tensor(B);
        private readonly Tensor _c = tensor(C);

        public void Backward()
        {
            using var scope = NewDisposeScope();
            var loss = _a.matmul(P).sub(_b).pow(2).sum().add(Q.sub(_c).pow(2).sum().mul(3.0));
            loss.backward();
        }

        public AdamOptimizer Optimizer(bool decoupled) => new(
            [new AdamParameterGroup([P], WeightDecayP), new AdamParameterGroup([Q], WeightDecayQ)], decoupled, Beta1, Beta2, Eps);

        public void Train(AdamOptimizer optimizer, int from, int to)
        {
            for (int step = from; step < to; step++)
            {
                optimizer.ZeroGrad();
                Backward();
                optimizer.Step(Rates[step]);
            }
        }

        public void Dispose()
        {
            foreach (var t in new[] { P, Q, _a, _b, _c }) t.Dispose();
        }
    }

    private static void AssertClose(double[] expected, Tensor actual, double relative)
    {
        var values = actual.data<double>().ToArray();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < values.Length; i++)
            Assert.True(Math.Abs(values[i] - expected[i]) <= relative * Math.Abs(expected[i]),
                $"element {i}: {values[i]:R}, expected {expected[i]:R}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MatchesHandWrittenDoublePrecisionReference(bool decoupled)
    {
        using var problem = new Problem();
        using var optimizer = problem.Optimizer(decoupled);
        problem.Train(optimizer, 0, Rates.Length);
        var (p, q) = Reference(decoupled, Rates.Length);
        AssertClose(p, problem.P, 1e-12);
        AssertClose(q, problem.Q, 1e-12);
        Assert.All(optimizer.StepCounts, s => Assert.Equal(Rates.Length, s));
        // The parameters moved: the test is not passing on an optimizer that does nothing.
        Assert.True(Math.Abs(p[0] - P0[0]) > 1e-3 && Math.Abs(q[0] - Q0[0]) > 1e-3);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MatchesTorchSharpOptimizerBitForBitInSinglePrecision(bool decoupled)
    {
        var generator = new Random(7);
        float[] RandomValues(int n) => Enumerable.Range(0, n).Select(_ => (float)(generator.NextDouble() * 2 - 1)).ToArray();
        float[] w0 = RandomValues(24), bias0 = RandomValues(4), x = RandomValues(40), y = RandomValues(20);
        using var w1 = tensor(w0, 4, 6).requires_grad_();
        using var b1 = tensor(bias0).requires_grad_();
        using var w2 = nn.Parameter(tensor(w0, 4, 6));
        using var b2 = nn.Parameter(tensor(bias0));
        using var input = tensor(x, 10, 4);
        using var target = tensor(y, 10, 2);
        using var ours = new AdamOptimizer([new AdamParameterGroup([w1], 0.05), new AdamParameterGroup([b1], 0.0)], decoupled, 0.9, 0.999, 1e-8);
        using TorchSharp.Modules.OptimizerHelper theirs = decoupled
            ? optim.AdamW([new TorchSharp.Modules.AdamW.ParamGroup([w2], 0.01, 0.9, 0.999, 1e-8, 0.05), new TorchSharp.Modules.AdamW.ParamGroup([b2], 0.01, 0.9, 0.999, 1e-8, 0.0)])
            : optim.Adam([new TorchSharp.Modules.Adam.ParamGroup([w2], 0.01, 0.9, 0.999, 1e-8, 0.05), new TorchSharp.Modules.Adam.ParamGroup([b2], 0.01, 0.9, 0.999, 1e-8, 0.0)]);
        void Backward(Tensor w, Tensor b)
        {
            using var scope = NewDisposeScope();
            input.matmul(w).narrow(1, 0, 2).add(b.narrow(0, 0, 2)).sub(target).pow(2).mean().backward();
        }
        double[] rates = [0.01, 0.02, 0.005, 0.01, 0.03, 0.01, 0.002, 0.01];
        foreach (double lr in rates)
        {
            ours.ZeroGrad();
            Backward(w1, b1);
            ours.Step(lr);
            theirs.zero_grad();
            foreach (var group in theirs.ParamGroups) group.LearningRate = lr;
            Backward(w2, b2);
            theirs.step();
        }
        // The same operations in the same order as TorchSharp's step, so the weights agree bit for bit (trainers
        // that switched from optim.Adam/AdamW to AdamOptimizer produce the weights they produced before).
        Assert.Equal(w2.data<float>().ToArray(), w1.data<float>().ToArray());
        Assert.Equal(b2.data<float>().ToArray(), b1.data<float>().ToArray());
        Assert.NotEqual(w0, w1.data<float>().ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SavedAndLoadedStateContinuesLikeAnUninterruptedRun(bool decoupled)
    {
        using var folder = new TempFolder();
        string path = folder.File("optimizer.safetensors");
        using var straight = new Problem();
        using (var optimizer = straight.Optimizer(decoupled)) straight.Train(optimizer, 0, Rates.Length);

        using var resumed = new Problem();
        using (var first = resumed.Optimizer(decoupled))
        {
            resumed.Train(first, 0, 3);
            first.Save(path);
        }
        using (var second = resumed.Optimizer(decoupled))
        {
            second.Load(path);
            Assert.All(second.StepCounts, s => Assert.Equal(3, s));
            resumed.Train(second, 3, Rates.Length);
        }
        Assert.Equal(straight.P.data<double>().ToArray(), resumed.P.data<double>().ToArray());
        Assert.Equal(straight.Q.data<double>().ToArray(), resumed.Q.data<double>().ToArray());
    }

    [Fact]
    public void LoadingStateOfOtherParametersFailsWithOneLineNamingTheFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("optimizer.safetensors");
        using var problem = new Problem();
        using (var optimizer = problem.Optimizer(decoupled: true))
        {
            problem.Train(optimizer, 0, 2);
            optimizer.Save(path);
        }
        using var other = tensor(new double[] { 1, 2, 3, 4 }, requires_grad: true);
        using var wrongShape = AdamOptimizer.AdamW([new AdamParameterGroup([other]), new AdamParameterGroup([problem.Q])]);
        var e = Assert.Throws<NeuroLensException>(() => wrongShape.Load(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains("exp_avg.0", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.All(wrongShape.StepCounts, s => Assert.Equal(0, s));

        using var fewer = AdamOptimizer.Adam([problem.P]);
        e = Assert.Throws<NeuroLensException>(() => fewer.Load(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains("unexpected", e.Message);

        var missing = folder.File("none.safetensors");
        e = Assert.Throws<NeuroLensException>(() => fewer.Load(missing));
        Assert.StartsWith(missing + ": ", e.Message);
    }

    [Fact]
    public void ParameterWithoutGradientIsLeftAloneAndKeepsItsStepCount()
    {
        using var used = tensor(new double[] { 1, -1 }, requires_grad: true);
        using var unused = tensor(new double[] { 0.5 }, requires_grad: true);
        using var optimizer = AdamOptimizer.AdamW([new AdamParameterGroup([used, unused], 0.1)]);
        for (int i = 0; i < 3; i++)
        {
            optimizer.ZeroGrad();
            using (var loss = used.pow(2).sum()) loss.backward();
            optimizer.Step(0.1);
        }
        Assert.Equal(new long[] { 3, 0 }, optimizer.StepCounts);
        Assert.Equal(0.5, unused.item<double>());
        Assert.NotEqual(1.0, used[0].item<double>());
    }
}
