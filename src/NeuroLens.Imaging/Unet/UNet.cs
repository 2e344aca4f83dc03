using NeuroLens.Core;
using NeuroLens.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Imaging.Unet;

/// <summary>
/// A 2D or 3D U-Net (Ronneberger et al., 2015) with "same"-padded convolutions, so the output has the
/// input's spatial size whenever that size is a multiple of <see cref="UNetConfig.SizeMultiple"/>.
/// The encoder has <see cref="UNetConfig.Depth"/> levels of <see cref="ConvBlock"/> + 2× max-pooling,
/// then a bottleneck block; the decoder up-samples with a stride-2 transposed convolution, concatenates
/// the encoder activation of the same level, and applies a block; a 1×1 convolution gives
/// <see cref="UNetConfig.OutChannels"/> logits (boundary or affinities; sigmoid for probabilities).
/// </summary>
/// <remarks>
/// Parameter names: <c>encoders.{i}.conv1.weight</c>, <c>bottleneck.*</c>, <c>upsamplers.{i}.*</c>,
/// <c>decoders.{i}.*</c>, <c>head.*</c>, where level <c>i</c> counts from the full-resolution level 0.
/// </remarks>
public sealed class UNet : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor>[] pools; // parameter-free, not registered
    private readonly TorchSharp.Modules.ModuleList<ConvBlock> encoders;
    private readonly ConvBlock bottleneck;
    private readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> upsamplers;
    private readonly TorchSharp.Modules.ModuleList<ConvBlock> decoders;
    private readonly nn.Module<Tensor, Tensor> head;

    /// <summary>
    /// Builds the network, initialises it deterministically from <paramref name="seed"/> (He-uniform
    /// weights, zero biases, unit/zero normalisation affines; independent of torch's global generator)
    /// and moves it to <paramref name="device"/> (default: <see cref="ComputeSettings.Device"/>).
    /// </summary>
    public UNet(UNetConfig config, long seed = 0, Device? device = null) : base("UNet")
    {
        config.Validate();
        Config = config;
        int d = config.Depth;
        pools = new nn.Module<Tensor, Tensor>[d];
        var enc = new ConvBlock[d];
        var up = new nn.Module<Tensor, Tensor>[d];
        var dec = new ConvBlock[d];
        for (int level = 0; level < d; level++)
        {
            long[] factor = config.PoolFactor(level);
            pools[level] = config.Dimensions == 2 ? nn.MaxPool2d(factor, factor) : nn.MaxPool3d(factor, factor);
            enc[level] = new ConvBlock($"enc{level}", config, level == 0 ? config.InChannels : config.Width(level - 1), config.Width(level));
            up[level] = config.Dimensions == 2
                ? nn.ConvTranspose2d(config.Width(level + 1), config.Width(level), (factor[0], factor[1]), stride: (factor[0], factor[1]))
                : nn.ConvTranspose3d(config.Width(level + 1), config.Width(level), (factor[0], factor[1], factor[2]), stride: (factor[0], factor[1], factor[2]));
            dec[level] = new ConvBlock($"dec{level}", config, 2 * config.Width(level), config.Width(level));
        }
        encoders = nn.ModuleList(enc);
        bottleneck = new ConvBlock("bottleneck", config, d == 0 ? config.InChannels : config.Width(d - 1), config.Width(d));
        upsamplers = nn.ModuleList(up);
        decoders = nn.ModuleList(dec);
        head = config.Dimensions == 2
            ? nn.Conv2d(config.Width(0), config.OutChannels, 1)
            : nn.Conv3d(config.Width(0), config.OutChannels, 1);
        RegisterComponents();
        Initialize(seed);
        this.to(device ?? ComputeSettings.Device);
    }

    /// <summary>The architecture.</summary>
    public UNetConfig Config { get; }

    /// <summary>The device the parameters live on.</summary>
    public Device Device => parameters().First().device;

    /// <summary>
    /// Logits <c>[N, OutChannels, spatial…]</c> for input <c>[N, InChannels, spatial…]</c> whose spatial
    /// sizes are multiples of <see cref="UNetConfig.SizeMultiple"/>.
    /// </summary>
    public override Tensor forward(Tensor x)
    {
        CheckInput(x);
        using var scope = NewDisposeScope();
        var skips = new Tensor[Config.Depth];
        var y = Encode(x, skips);
        for (int level = Config.Depth - 1; level >= 0; level--)
        {
            using var upsampled = upsamplers[level].call(y);
            using var joined = cat([skips[level], upsampled], 1);
            y = decoders[level].call(joined);
        }
        return head.call(y).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The bottleneck (deepest encoder) activation, <c>[N, BaseWidth × 2^Depth, spatial / SizeMultiple]</c>.
    /// Runs in the module's current mode and with gradients unless disabled: for features, call
    /// <c>eval()</c> (batch normalisation then uses its running statistics) and use <c>torch.no_grad()</c>.
    /// </summary>
    public Tensor Bottleneck(Tensor x)
    {
        CheckInput(x);
        using var scope = NewDisposeScope();
        return Encode(x, new Tensor[Config.Depth]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One feature vector per patch, <c>[N, BaseWidth × 2^Depth]</c>: the bottleneck activation
    /// max-pooled over all spatial positions (the MMD features of the Transfer study, transfer.md §4).
    /// </summary>
    public Tensor GlobalMaxPooledBottleneck(Tensor x)
    {
        using var features = Bottleneck(x);
        long[] spatial = Enumerable.Range(2, Config.Dimensions).Select(i => (long)i).ToArray();
        return features.amax(spatial);
    }

    /// <summary>
    /// Probabilities (sigmoid of the logits) in evaluation mode without gradients; the module's
    /// training/evaluation mode is restored afterwards.
    /// </summary>
    public Tensor Predict(Tensor x)
    {
        bool wasTraining = training;
        eval();
        try
        {
            using var _ = no_grad();
            using var logits = forward(x);
            return logits.sigmoid();
        }
        finally { train(wasTraining); }
    }

    private Tensor Encode(Tensor x, Tensor[] skips)
    {
        var y = x;
        for (int level = 0; level < Config.Depth; level++)
        {
            skips[level] = encoders[level].call(y);
            y = pools[level].call(skips[level]);
        }
        return bottleneck.call(y);
    }

    private void CheckInput(Tensor x)
    {
        if (x.dim() != Config.Dimensions + 2 || x.shape[1] != Config.InChannels)
            throw new NeuroLensException(
                $"U-Net input is [N, {Config.InChannels}, {(Config.Dimensions == 2 ? "H, W" : "D, H, W")}], got [{string.Join(", ", x.shape)}].");
        int[] multiple = Config.SizeMultiple();
        for (int a = 0; a < Config.Dimensions; a++)
            if (x.shape[2 + a] % multiple[a] != 0)
                throw new NeuroLensException(
                    $"U-Net input spatial size [{string.Join(", ", x.shape.Skip(2))}] is not a multiple of [{string.Join(", ", multiple)}] (2^depth per pooled axis); pad or crop it.");
    }

    // He-uniform (bound sqrt(6 / fan_in)) suits the ReLU blocks whether or not they are normalised;
    // a private generator keeps construction reproducible while other code uses torch's global one.
    private void Initialize(long seed)
    {
        using var _ = no_grad();
        var generator = new Generator(unchecked((ulong)seed), CPU);
        foreach (var (name, p) in named_parameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal)) p.zero_();
            else if (p.dim() == 1) p.fill_(TorchScalars.Of(1.0)); // normalisation scale
            else
            {
                // Conv weights are [out, in, k…]; transposed convs [in, out, k…] with stride = kernel,
                // so each output sees exactly `in` inputs.
                long fanIn = name.StartsWith("upsamplers.", StringComparison.Ordinal)
                    ? p.shape[0]
                    : p.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
                double bound = Math.Sqrt(6.0 / fanIn);
                p.uniform_(-bound, bound, generator);
            }
        }
    }
}
