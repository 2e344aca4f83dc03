using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroLens.Models.Language;

/// <summary>
/// The feed-forward of GPT-2 and GPT-NeoX: down(act(up(x))), both linears with biases, registered under the
/// family's checkpoint names (<c>c_fc</c>/<c>c_proj</c>, <c>dense_h_to_4h</c>/<c>dense_4h_to_h</c>).
/// </summary>
internal sealed class TwoLayerMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear up, down;
    private readonly string act;

    /// <param name="upName">The name of the C → F linear.</param>
    /// <param name="downName">The name of the F → C linear.</param>
    /// <param name="hidden">C, the residual width.</param>
    /// <param name="inner">F, the feed-forward width.</param>
    /// <param name="activation">The activation's Hugging Face name (<see cref="Activations"/>).</param>
    public TwoLayerMlp(string upName, string downName, int hidden, int inner, string activation) : base("mlp")
    {
        up = nn.Linear(hidden, inner);
        down = nn.Linear(inner, hidden);
        act = activation;
        register_module(upName, up);
        register_module(downName, down);
    }

    /// <summary>Parts are registered under their checkpoint names by the constructor, not by field name.</summary>
    protected override void RegisterComponents() { }

    public override Tensor forward(Tensor x)
    {
        using var pre = up.call(x);
        using var activated = Activations.Apply(act, pre);
        return down.call(activated);
    }
}
