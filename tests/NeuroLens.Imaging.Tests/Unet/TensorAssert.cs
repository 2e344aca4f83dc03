using static TorchSharp.torch;

namespace NeuroLens.Imaging.Tests.Unet;

internal static class TensorAssert
{
    /// <summary>Same shape and bit-identical values (TorchSharp's Tensor.equal is element-wise).</summary>
    public static bool Same(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) return false;
        using var eq = a.eq(b);
        using var all = eq.all();
        return all.item<bool>();
    }
}
