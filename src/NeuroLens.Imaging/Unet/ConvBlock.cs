using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Imaging.Unet;

/// <summary>
/// The U-Net's repeated unit: (3×3 convolution with zero "same" padding → normalisation → ReLU) twice.
/// Spatial size is unchanged.
/// </summary>
internal sealed class ConvBlock : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv1, norm1, conv2, norm2;

    public ConvBlock(string name, UNetConfig config, int inChannels, int outChannels) : base(name)
    {
        conv1 = Conv(config.Dimensions, inChannels, outChannels, bias: config.Normalization == UNetNormalization.None);
        norm1 = Norm(config, outChannels);
        conv2 = Conv(config.Dimensions, outChannels, outChannels, bias: config.Normalization == UNetNormalization.None);
        norm2 = Norm(config, outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = nn.functional.relu(norm1.call(conv1.call(x)));
        y = nn.functional.relu(norm2.call(conv2.call(y)));
        return y.MoveToOuterDisposeScope();
    }

    // A bias before a normalisation layer is cancelled by its mean subtraction, so it is left out there.
    private static nn.Module<Tensor, Tensor> Conv(int dims, int inChannels, int outChannels, bool bias) => dims == 2
        ? nn.Conv2d(inChannels, outChannels, 3, padding: 1, bias: bias)
        : nn.Conv3d(inChannels, outChannels, 3, padding: 1, bias: bias);

    private static nn.Module<Tensor, Tensor> Norm(UNetConfig config, int channels) => config.Normalization switch
    {
        UNetNormalization.None => nn.Identity(),
        UNetNormalization.Batch => new BatchNormalization(channels, config.Dimensions),
        UNetNormalization.Group => nn.GroupNorm(Math.Min(config.Groups, channels), channels),
        UNetNormalization.Instance => nn.GroupNorm(channels, channels),
        _ => throw new ArgumentOutOfRangeException(nameof(config)),
    };
}
