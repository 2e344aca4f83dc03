using NeuroLens.Core;
using static TorchSharp.torch;

namespace NeuroLens.Imaging.Unet;

/// <summary>
/// One element of the flip/rotation augmentation group: optional flips along z, y and x, then
/// <see cref="QuarterTurns"/> counter-clockwise 90° rotations in the yx plane (<c>rot90</c> from y
/// towards x over the last two axes). Applied to tensors <c>[…, H, W]</c> (2D) or <c>[…, D, H, W]</c>
/// (3D; rotations stay in-plane because EM z spacing usually differs from xy). The same value applied to
/// an image and its target transforms both identically, channel by channel — right for boundary maps,
/// not for affinity maps, whose channels' offsets change under flips and rotations.
/// </summary>
/// <param name="FlipZ">Reverse the z axis (third-last axis; only for 3D tensors).</param>
/// <param name="FlipY">Reverse the y axis (second-last axis).</param>
/// <param name="FlipX">Reverse the x axis (last axis).</param>
/// <param name="QuarterTurns">Number of 90° rotations, 0 to 3.</param>
public readonly record struct FlipRotate(bool FlipZ, bool FlipY, bool FlipX, int QuarterTurns)
{
    /// <summary>The identity transform.</summary>
    public static FlipRotate Identity => default;

    /// <summary>
    /// A uniformly random transform: each flip with probability ½ (z only when
    /// <paramref name="dimensions"/> is 3) and 0–3 quarter turns, or 0 or 2 when
    /// <paramref name="squareInPlane"/> is false (a quarter turn would swap a non-square patch's height
    /// and width).
    /// </summary>
    public static FlipRotate Sample(Random random, int dimensions, bool squareInPlane = true)
    {
        bool flipZ = dimensions == 3 && random.Next(2) == 1;
        bool flipY = random.Next(2) == 1;
        bool flipX = random.Next(2) == 1;
        int turns = squareInPlane ? random.Next(4) : 2 * random.Next(2);
        return new FlipRotate(flipZ, flipY, flipX, turns);
    }

    /// <summary>The transformed tensor (a new tensor; the input is unchanged).</summary>
    public Tensor Apply(Tensor x)
    {
        if (QuarterTurns is < 0 or > 3) throw new NeuroLensException($"FlipRotate: QuarterTurns is {QuarterTurns}, expected 0 to 3.");
        if (x.dim() < (FlipZ ? 3 : 2)) throw new NeuroLensException($"FlipRotate: tensor of {x.dim()} axes has no {(FlipZ ? "z, " : "")}y and x axes.");
        long n = x.dim();
        var dims = new List<long>(3);
        if (FlipZ) dims.Add(n - 3);
        if (FlipY) dims.Add(n - 2);
        if (FlipX) dims.Add(n - 1);
        var flipped = dims.Count > 0 ? x.flip(dims.ToArray()) : x.alias();
        if (QuarterTurns == 0) return flipped;
        using (flipped) return flipped.rot90(QuarterTurns, (n - 2, n - 1));
    }

    /// <summary>Applies this transform to an image and its target alike.</summary>
    public (Tensor Image, Tensor Target) Apply(Tensor image, Tensor target) => (Apply(image), Apply(target));
}
