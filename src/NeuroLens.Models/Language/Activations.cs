using NeuroLens.Core;
using NeuroLens.Core.Runtime;
using static TorchSharp.torch;

namespace NeuroLens.Models.Language;

/// <summary>
/// The feed-forward activations of the causal families, by their Hugging Face names (<c>hidden_act</c> /
/// <c>activation_function</c>), computed as transformers computes them.
/// </summary>
internal static class Activations
{
    /// <summary>The names implemented: <c>gelu</c> (exact, erf), <c>gelu_new</c>, <c>gelu_pytorch_tanh</c> and
    /// <c>gelu_fast</c> (the tanh approximation), <c>relu</c>, <c>silu</c> (= <c>swish</c>).</summary>
    public static IReadOnlyList<string> Supported { get; } = ["gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "relu", "silu", "swish"];

    /// <summary>Fails naming the file and field when <paramref name="name"/> is not implemented.</summary>
    public static string Check(string name, string source, string field) => Supported.Contains(name) ? name
        : throw new NeuroLensException($"{source}: field {field} '{name}' is not supported (expected one of {string.Join(", ", Supported)})");

    /// <summary>The activation of <paramref name="x"/>.</summary>
    public static Tensor Apply(string name, Tensor x)
    {
        switch (name)
        {
            case "gelu": return nn.functional.gelu(x);
            case "relu": return nn.functional.relu(x);
            case "silu" or "swish": return nn.functional.silu(x);
            default:
                // 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))): HF's NewGELUActivation.
                using (var scope = NewDisposeScope())
                {
                    var inner = x.add(x.pow(TorchScalars.Of(3L)).mul(TorchScalars.Of(0.044715)), TorchScalars.One).mul(TorchScalars.Of(Math.Sqrt(2.0 / Math.PI)));
                    return x.mul(TorchScalars.Of(0.5)).mul(inner.tanh().add(TorchScalars.Of(1.0), TorchScalars.One)).MoveToOuterDisposeScope();
                }
        }
    }
}
