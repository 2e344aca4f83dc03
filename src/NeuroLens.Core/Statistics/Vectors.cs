using static TorchSharp.torch;

namespace NeuroLens.Core.Statistics;

/// <summary>Conversions between 1-D tensors and managed arrays shared by the statistics functions.</summary>
internal static class Vectors
{
    /// <summary>Copies a 1-D tensor of any real type and device into a new double array.</summary>
    /// <param name="vector">The tensor; it must be one-dimensional.</param>
    /// <param name="caller">Names the calling function in the error message.</param>
    /// <param name="parameter">Names the parameter in the error message.</param>
    public static double[] ToDoubles(Tensor vector, string caller, string parameter)
    {
        if (vector.dim() != 1)
            throw new NeuroLensException($"{caller}: {parameter} must be a 1-D tensor, got shape [{string.Join(", ", vector.shape)}].");
        if (vector.is_complex() || vector.dtype == ScalarType.Bool)
            throw new NeuroLensException($"{caller}: {parameter} must hold real numbers, got {vector.dtype}.");
        using var scope = NewDisposeScope();
        return vector.detach().to(ScalarType.Float64, CPU).contiguous().data<double>().ToArray();
    }
}
