using NeuroLens.Core;

namespace NeuroLens.Models.Training;

/// <summary>
/// The built-in small GPT-NeoX sizes, each tied to its layer and head counts (head width 32 in every
/// preset): a scale axis for the Emergence study that trains in minutes on a CPU.
/// </summary>
public static class LmPresets
{
    /// <summary>d_model 64, 2 layers, 2 heads, context 128 (about 0.1 M parameters besides the embeddings).</summary>
    public static readonly LmPreset Tiny = new("tiny", HiddenSize: 64, Layers: 2, Heads: 2, Context: 128);

    /// <summary>d_model 128, 4 layers, 4 heads, context 128 (about 0.8 M parameters besides the embeddings).</summary>
    public static readonly LmPreset Small = new("small", HiddenSize: 128, Layers: 4, Heads: 4, Context: 128);

    /// <summary>d_model 256, 4 layers, 8 heads, context 128 (about 3.2 M parameters besides the embeddings).</summary>
    public static readonly LmPreset Base = new("base", HiddenSize: 256, Layers: 4, Heads: 8, Context: 128);

    /// <summary>Every preset, smallest first.</summary>
    public static IReadOnlyList<LmPreset> All { get; } = [Tiny, Small, Base];

    /// <summary>The preset of that name (case-insensitive); a <see cref="NeuroLensException"/> listing the names otherwise.</summary>
    public static LmPreset Get(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new NeuroLensException($"--preset {name}: unknown preset; expected one of {string.Join(", ", All.Select(p => p.Name))}");
}
