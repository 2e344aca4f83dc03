using System.Text.Json;
using System.Text.Json.Serialization;
using NeuroLens.Core;
using NeuroLens.Core.IO;

namespace NeuroLens.Models.Training;

/// <summary>
/// The resumable state of a run, kept in <c>training-state/</c> beside the checkpoints:
/// <c>state.json</c> (this record), <c>model.safetensors</c> (the weights at <see cref="Step"/>) and
/// <c>optimizer.safetensors</c> (AdamW moments and step counts, <see cref="NeuroLens.Core.Runtime.AdamOptimizer.Save"/>). The data order is a function of (seed, step)
/// and training draws no random numbers (no dropout), so these are the whole state.
/// </summary>
internal sealed record LmTrainingState
{
    public const string FolderName = "training-state";
    public const string FileName = "state.json";
    public const string OptimizerFileName = "optimizer.safetensors";

    public int FormatVersion { get; init; } = 1;
    public int Step { get; init; }
    public int Epoch { get; init; }
    public int Position { get; init; }
    public string Options { get; init; } = "";
    public long TrainTokens { get; init; }
    public long ValidationTokens { get; init; }
    public List<double> Losses { get; init; } = [];
    public List<LmCheckpoint> Checkpoints { get; init; } = [];

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The options that must match for a resume, as canonical JSON (everything except Resume and StopAfter).</summary>
    public static string Fingerprint(LmTrainingOptions o) => JsonSerializer.Serialize(new
    {
        preset = o.Preset.Name, o.Steps, o.BatchSize, o.Context, o.LearningRate, o.WarmupSteps, o.MinLearningRate, o.WeightDecay,
        o.Beta1, o.Beta2, o.Epsilon, o.GradClip, o.Seed, o.CheckpointEvery, o.MaxValidationWindows,
    }, Json);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static LmTrainingState Read(string folder)
    {
        string path = Path.Combine(folder, FileName);
        try
        {
            return JsonSerializer.Deserialize<LmTrainingState>(File.ReadAllText(path), Json)
                ?? throw new NeuroLensException($"{path}: empty training state");
        }
        catch (JsonException e)
        {
            throw new NeuroLensException($"{path}: not a training state ({e.Message.Split('\n')[0]})", e);
        }
        catch (IOException e)
        {
            throw new NeuroLensException($"{path}: cannot read the training state ({e.Message.Split('\n')[0]})", e);
        }
    }

    /// <summary>Whether <paramref name="folder"/> is a training-state folder (and so may be replaced).</summary>
    public static bool IsStateFolder(string folder) => File.Exists(Path.Combine(folder, FileName));

    public void WriteTo(string folder) => AtomicFile.WriteAllText(Path.Combine(folder, FileName), ToJson());
}
