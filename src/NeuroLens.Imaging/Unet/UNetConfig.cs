using System.Text.Json;
using System.Text.Json.Serialization;
using NeuroLens.Core;

namespace NeuroLens.Imaging.Unet;

/// <summary>
/// The architecture of a <see cref="UNet"/>; saved as <c>config.json</c> beside the weights so that a
/// checkpoint rebuilds the same network. Level <c>i</c> of the encoder has <c>BaseWidth × 2^i</c>
/// channels; after <see cref="Depth"/> down-samplings the bottleneck has <c>BaseWidth × 2^Depth</c>.
/// </summary>
public sealed record UNetConfig
{
    /// <summary>2 for images (<c>[N, C, H, W]</c>), 3 for volumes (<c>[N, C, D, H, W]</c>).</summary>
    public int Dimensions { get; init; } = 2;

    /// <summary>Input channels (1 for grey EM images).</summary>
    public int InChannels { get; init; } = 1;

    /// <summary>
    /// Output channels: 1 for a boundary (membrane) probability map, or one per affinity offset
    /// (for example 2 in 2D, 3 in 3D for nearest-neighbour affinities). Each is a logit; a sigmoid gives
    /// the probability.
    /// </summary>
    public int OutChannels { get; init; } = 1;

    /// <summary>Number of down-sampling steps (2× each) between the input and the bottleneck.</summary>
    public int Depth { get; init; } = 3;

    /// <summary>Channels of the first encoder level; doubled at every level.</summary>
    public int BaseWidth { get; init; } = 16;

    /// <summary>Normalisation after each 3×3 convolution.</summary>
    public UNetNormalization Normalization { get; init; } = UNetNormalization.Batch;

    /// <summary>Channel groups for <see cref="UNetNormalization.Group"/> (capped by the channel count, which it must divide).</summary>
    public int Groups { get; init; } = 8;

    /// <summary>
    /// 3D only: how many of the first down-sampling steps pool in the yx plane only (kernel 1×2×2), for
    /// anisotropic data such as serial-section EM whose z spacing is several times the xy spacing.
    /// </summary>
    public int InPlaneOnlyLevels { get; init; }

    /// <summary>The width of encoder level <paramref name="level"/> (level <see cref="Depth"/> is the bottleneck).</summary>
    public int Width(int level) => BaseWidth << level;

    /// <summary>The pooling factor of down-sampling step <paramref name="level"/> per spatial axis (z-y-x, or y-x in 2D).</summary>
    public long[] PoolFactor(int level) =>
        Dimensions == 2 ? [2, 2] : [level < InPlaneOnlyLevels ? 1 : 2, 2, 2];

    /// <summary>
    /// The total down-sampling factor per spatial axis: input sizes must be multiples of it, and the
    /// bottleneck is the input size divided by it.
    /// </summary>
    public int[] SizeMultiple()
    {
        var factor = Enumerable.Repeat(1, Dimensions).ToArray();
        for (int level = 0; level < Depth; level++)
        {
            var pool = PoolFactor(level);
            for (int a = 0; a < Dimensions; a++) factor[a] *= (int)pool[a];
        }
        return factor;
    }

    /// <summary>Throws a <see cref="NeuroLensException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (Dimensions is not (2 or 3)) throw new NeuroLensException($"U-Net config: Dimensions is {Dimensions}, expected 2 or 3.");
        if (InChannels < 1) throw new NeuroLensException($"U-Net config: InChannels is {InChannels}, expected at least 1.");
        if (OutChannels < 1) throw new NeuroLensException($"U-Net config: OutChannels is {OutChannels}, expected at least 1.");
        if (Depth is < 0 or > 8) throw new NeuroLensException($"U-Net config: Depth is {Depth}, expected 0 to 8.");
        if (BaseWidth < 1 || (long)BaseWidth << Depth > 1 << 16)
            throw new NeuroLensException($"U-Net config: BaseWidth {BaseWidth} with Depth {Depth} gives an invalid bottleneck width.");
        if (InPlaneOnlyLevels < 0 || InPlaneOnlyLevels > Depth || (Dimensions == 2 && InPlaneOnlyLevels != 0))
            throw new NeuroLensException($"U-Net config: InPlaneOnlyLevels is {InPlaneOnlyLevels}, expected 0 to Depth, and 0 for 2D.");
        if (Normalization == UNetNormalization.Group)
        {
            if (Groups < 1) throw new NeuroLensException($"U-Net config: Groups is {Groups}, expected at least 1.");
            for (int level = 0; level <= Depth; level++)
                if (Width(level) % Math.Min(Groups, Width(level)) != 0)
                    throw new NeuroLensException($"U-Net config: Groups {Groups} does not divide the {Width(level)} channels of level {level}.");
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The config as JSON (snake_case keys, normalisation as a lower-case name).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads a config written by <see cref="ToJson"/>, validating it; <paramref name="source"/> names the file in errors.</summary>
    public static UNetConfig FromJson(string json, string source = "config.json")
    {
        UNetConfig? config;
        try { config = JsonSerializer.Deserialize<UNetConfig>(json, JsonOptions); }
        catch (JsonException e) { throw new NeuroLensException($"{source}: not a U-Net config ({e.Message}).", e); }
        if (config is null) throw new NeuroLensException($"{source}: empty U-Net config.");
        try { config.Validate(); }
        catch (NeuroLensException e) { throw new NeuroLensException($"{source}: {e.Message}", e); }
        return config;
    }
}
