using NeuroLens.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Core.Tests.Runtime;

public class TorchScalarsTests
{
    [Fact]
    public void ConstantsAreRootedAndOfTheRightKind()
    {
        Assert.Same(TorchScalars.Of(0.5), TorchScalars.Of(0.5));
        Assert.Same(TorchScalars.Of(3L), TorchScalars.Of(3L));
        Assert.Same(TorchScalars.One, TorchScalars.Of(1L));
        using var ints = tensor(new long[] { 1, 2 });
        using var sum = ints.add(ints, TorchScalars.Two);
        Assert.Equal(ScalarType.Int64, sum.dtype);
        Assert.Equal(new long[] { 3, 6 }, sum.data<long>().ToArray());
    }

    /// <summary>
    /// The failure this guards against (docs/models.md): a Scalar made implicitly for a tensor operation is
    /// finalised by a garbage collection that another thread's allocations trigger while libtorch still reads
    /// it. The same loop written with implicit Scalars failed by hand within a second ("Expected false to be
    /// true" or a crash); with rooted constants, held run-time Scalars and held intermediate tensors it must never fail.
    /// </summary>
    [Fact]
    public void TensorOperationsWithHeldScalarsSurviveGarbageCollectionsFromAnotherThread()
    {
        const int iterations = 20_000;
        using var stop = new CancellationTokenSource();
        long collections = GC.CollectionCount(0);
        var garbage = new Thread(() =>
        {
            var keep = new object[64];
            int k = 0;
            while (!stop.IsCancellationRequested)
            {
                keep[k++ % keep.Length] = new byte[Random.Shared.Next(64, 8192)];
                if (k % 4096 == 0) GC.Collect(0, GCCollectionMode.Forced, blocking: false);
            }
        }) { IsBackground = true };
        garbage.Start();
        try
        {
            using var x = tensor(new float[] { 1, 2, 3, 4 });
            using var u = tensor(new float[] { 0.5f, -0.5f, 0.25f, -0.25f });
            double expected = 0;
            for (int i = 0; i < iterations; i++)
            {
                using var scale = (1.0 + (i % 7) * 1e-3).ToScalar();
                using var y = x.mul(TorchScalars.Of(0.5));
                y.add_(u, TorchScalars.One).mul_(scale).clamp_min_(TorchScalars.Of(1e-12));
                // Every intermediate tensor is held too: outside a dispose scope, a temporary that is only the
                // receiver of the next call (y.add(u, …).pow(…)) is finalised in the same window (segfault).
                using var w = y.add(u, TorchScalars.MinusOne);
                using var z = w.pow(TorchScalars.Two);
                using var total = z.sum();
                if (i == iterations - 1) expected = total.item<float>();
            }
            // The last iteration's value by hand: y = max(s·(x/2 + u), 1e-12), z = (y − u)².
            double s = 1.0 + ((iterations - 1) % 7) * 1e-3;
            double[] xs = [1, 2, 3, 4], us = [0.5, -0.5, 0.25, -0.25];
            double reference = xs.Select((v, j) => Math.Pow(Math.Max(s * (v / 2 + us[j]), 1e-12) - us[j], 2)).Sum();
            Assert.Equal(reference, expected, 4);
        }
        finally
        {
            stop.Cancel();
            garbage.Join();
        }
        Assert.True(GC.CollectionCount(0) - collections > 100, "the other thread should have triggered many collections");
    }
}
