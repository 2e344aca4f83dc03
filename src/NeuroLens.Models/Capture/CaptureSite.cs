namespace NeuroLens.Models.Capture;

/// <summary>
/// One place in a model whose activations a capture records, one row per real token.
/// Names: <c>{module}:input</c> and <c>{module}:output</c> for a linear layer, <c>resid_post.{ℓ}</c> for
/// the residual stream after block ℓ.
/// </summary>
/// <param name="Name">The site's name in the capture (and the tensor name in its shards).</param>
/// <param name="Kind">What is recorded.</param>
/// <param name="Module">The linear layer's module name, or the block's module name for <see cref="CaptureSiteKind.ResidPost"/>.</param>
/// <param name="Layer">The block the site belongs to (-1 for a linear layer outside every block, e.g. an output head).</param>
/// <param name="Width">The number of values per token (columns).</param>
public sealed record CaptureSite(string Name, CaptureSiteKind Kind, string Module, int Layer, int Width)
{
    /// <summary>The name prefix of residual-stream sites.</summary>
    public const string ResidPostPrefix = "resid_post.";

    /// <summary>The site name of a linear layer's input.</summary>
    public static string InputName(string module) => module + ":input";

    /// <summary>The site name of a linear layer's output.</summary>
    public static string OutputName(string module) => module + ":output";

    /// <summary>The site name of the residual stream after block <paramref name="layer"/>.</summary>
    public static string ResidPostName(int layer) => ResidPostPrefix + layer;

    /// <summary>The kind's name in the capture index (<c>linear_input</c>, <c>linear_output</c>, <c>resid_post</c>).</summary>
    public static string KindName(CaptureSiteKind kind) => kind switch
    {
        CaptureSiteKind.LinearInput => "linear_input",
        CaptureSiteKind.LinearOutput => "linear_output",
        _ => "resid_post",
    };

    /// <summary>The kind of an index name, or null when it is none of them.</summary>
    public static CaptureSiteKind? ParseKind(string name) => name switch
    {
        "linear_input" => CaptureSiteKind.LinearInput,
        "linear_output" => CaptureSiteKind.LinearOutput,
        "resid_post" => CaptureSiteKind.ResidPost,
        _ => null,
    };
}
