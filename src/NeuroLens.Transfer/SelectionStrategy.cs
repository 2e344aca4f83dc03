namespace NeuroLens.Transfer;

/// <summary>The source-free active-learning strategies of transfer.md §5.</summary>
public enum SelectionStrategy
{
    /// <summary>n patches uniformly at random, without replacement.</summary>
    Random,

    /// <summary>The n patches with the highest uncertainty score.</summary>
    TopUncertainty,

    /// <summary>
    /// The n patches whose score is nearest the median score (the paper's rule: the most uncertain EM
    /// patches are often artefacts).
    /// </summary>
    MedianUncertainty,

    /// <summary>Greedy k-center on the features (Sener &amp; Savarese, 2018): each pick is the patch farthest from those already picked.</summary>
    CoreSet,

    /// <summary>
    /// Discriminative active learning (Gissin &amp; Shalev-Shwartz, 2019): a logistic-regression classifier
    /// learns labelled-so-far against unlabelled features; each round queries the patches it finds most
    /// "unlabelled-looking".
    /// </summary>
    Discriminative,
}

/// <summary>Options of <see cref="ActiveSelection.Select"/>.</summary>
public sealed record SelectionOptions
{
    /// <summary>
    /// Query rounds: the n picks are made in this many rounds of about n / rounds patches (1: one-shot).
    /// Only the discriminative strategy changes with rounds (its classifier is retrained each round on the
    /// patches labelled so far); the score-based rules and greedy k-center, whose inputs stay fixed
    /// without a model update between rounds, pick the same patches either way.
    /// </summary>
    public int Rounds { get; init; } = 1;

    /// <summary>Seed of the random strategy.</summary>
    public int Seed { get; init; }

    /// <summary>Gradient-descent iterations of the discriminative classifier per round.</summary>
    public int ClassifierIterations { get; init; } = 300;

    /// <summary>Learning rate of the discriminative classifier (on standardised features).</summary>
    public double ClassifierLearningRate { get; init; } = 0.5;

    /// <summary>L2 penalty of the discriminative classifier's weights.</summary>
    public double ClassifierL2 { get; init; } = 1e-2;
}

/// <summary>Parses and names strategies the way the command line writes them.</summary>
public static class SelectionStrategies
{
    /// <summary>All strategies, in report order.</summary>
    public static IReadOnlyList<SelectionStrategy> All { get; } = Enum.GetValues<SelectionStrategy>();

    /// <summary>The kebab-case name: <c>random</c>, <c>top-uncertainty</c>, <c>median-uncertainty</c>, <c>core-set</c>, <c>discriminative</c>.</summary>
    public static string Name(SelectionStrategy strategy) => strategy switch
    {
        SelectionStrategy.Random => "random",
        SelectionStrategy.TopUncertainty => "top-uncertainty",
        SelectionStrategy.MedianUncertainty => "median-uncertainty",
        SelectionStrategy.CoreSet => "core-set",
        SelectionStrategy.Discriminative => "discriminative",
        _ => throw new ArgumentOutOfRangeException(nameof(strategy)),
    };

    /// <summary>The strategy of a kebab-case name.</summary>
    public static SelectionStrategy Parse(string name) =>
        All.FirstOrDefault(s => Name(s) == name, (SelectionStrategy)(-1)) is var s && Enum.IsDefined(s)
            ? s
            : throw new Core.NeuroLensException($"strategy '{name}' is unknown; expected one of {string.Join(", ", All.Select(Name))}.");
}
