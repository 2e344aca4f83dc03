using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Core.Tests;

public class TorchRuntimeTests
{
    [Fact]
    public void MatrixProductMatchesHandComputation()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4 }, 2, 2);
        using var b = tensor(new float[] { 5, 6, 7, 8 }, 2, 2);
        using var c = a.matmul(b);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, c.data<float>().ToArray());
    }

    [Fact]
    public void GradientOfSumOfSquaresIsTwiceTheInput()
    {
        using var x = tensor(new double[] { -1.5, 0.25, 3 }, requires_grad: true);
        using var loss = x.pow(2).sum();
        loss.backward();
        Assert.Equal(new[] { -3.0, 0.5, 6.0 }, x.grad!.data<double>().ToArray());
    }
}
