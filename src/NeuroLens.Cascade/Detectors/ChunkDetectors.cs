namespace NeuroLens.Cascade.Detectors;

/// <summary>The detectors by name, as the command line offers them.</summary>
public static class ChunkDetectors
{
    /// <summary>The names: <c>intensity</c>, <c>forest</c>, <c>cnn</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["intensity", "forest", "cnn"];

    /// <summary>A fresh, untrained detector with default options.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    public static IChunkDetector Create(string name) => name switch
    {
        "intensity" => new IntensityDetector(),
        "forest" => new PixelForestDetector(),
        "cnn" => new CnnChunkDetector(),
        _ => throw new ArgumentException($"unknown detector '{name}'; expected one of {string.Join(", ", Names)}.", nameof(name)),
    };
}
