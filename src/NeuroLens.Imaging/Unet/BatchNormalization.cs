using NeuroLens.Core.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroLens.Imaging.Unet;

/// <summary>
/// Batch normalisation over the channels of [N, C, spatial…] (2-D or 3-D), computing what
/// <c>nn.BatchNorm2d/3d(channels)</c> computes (affine, running statistics with momentum 0.1, ε = 1e-5)
/// under the same parameter and buffer names (<c>weight</c>, <c>bias</c>, <c>running_mean</c>,
/// <c>running_var</c>, <c>num_batches_tracked</c>), so checkpoints are interchangeable. TorchSharp's module
/// increments <c>num_batches_tracked</c> with an implicit Scalar in every training forward (docs/models.md);
/// this one holds it (<see cref="TorchScalars"/>) and leaves the rest to <c>nn.functional.batch_norm</c>.
/// </summary>
internal sealed class BatchNormalization : nn.Module<Tensor, Tensor>
{
    private const double Momentum = 0.1;
    private const double Epsilon = 1e-5;
    private readonly int _dimensions;

    /// <summary>A layer for <paramref name="channels"/> channels of <paramref name="dimensions"/>-D data (2 or 3).</summary>
    public BatchNormalization(long channels, int dimensions) : base(dimensions == 2 ? "BatchNorm2d" : "BatchNorm3d")
    {
        if (dimensions is not (2 or 3)) throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, "expected 2 or 3");
        _dimensions = dimensions;
        register_parameter("weight", new Parameter(ones(channels)));
        register_parameter("bias", new Parameter(zeros(channels)));
        register_buffer("running_mean", zeros(channels));
        register_buffer("running_var", ones(channels));
        register_buffer("num_batches_tracked", tensor(0L));
    }

    public override Tensor forward(Tensor input)
    {
        if (input.dim() != _dimensions + 2)
            throw new ArgumentException($"batch normalisation: expected {_dimensions + 2}-D input [N, C, spatial…], got [{string.Join(", ", input.shape)}]");
        if (training)
        {
            using var noGrad = no_grad();
            get_buffer("num_batches_tracked")!.add_(TorchScalars.One, TorchScalars.One);
        }
        return nn.functional.batch_norm(input, get_buffer("running_mean"), get_buffer("running_var"),
            get_parameter("weight"), get_parameter("bias"), training, Momentum, Epsilon);
    }
}
