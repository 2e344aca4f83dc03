using System.Globalization;
using System.Text.Json;
using NeuroLens.Core;
using NeuroLens.Core.IO;
using NeuroLens.Core.Runtime;
using NeuroLens.Core.TensorFiles;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Imaging.Unet;

/// <summary>
/// U-Net checkpoints: a folder holding <c>config.json</c> (the <see cref="UNetConfig"/>),
/// <c>model.safetensors</c> (the state dict — parameters and normalisation buffers — under their module
/// names, readable by Python's safetensors) and, for training checkpoints, <c>optimizer.safetensors</c>
/// (Adam moments and step counts, <see cref="AdamOptimizer.Save"/>) and
/// <c>state.json</c> (step, seed, loss history). Training checkpoints live in
/// <c>step-NNNNNNNN</c> subfolders of a checkpoint directory. Every folder is written under a temporary
/// name and renamed into place, so an interrupted write never leaves a folder that looks complete.
/// </summary>
public static class UnetCheckpoint
{
    /// <summary>The weights file inside a checkpoint folder.</summary>
    public const string WeightsFile = "model.safetensors";
    /// <summary>The architecture file inside a checkpoint folder.</summary>
    public const string ConfigFile = "config.json";
    private const string OptimizerFile = "optimizer.safetensors";
    private const string StateFile = "state.json";
    private const string StepPrefix = "step-";

    /// <summary>Writes <paramref name="model"/>'s config and weights to the folder <paramref name="path"/> (replaced if present).</summary>
    public static void SaveModel(UNet model, string path) => WriteFolder(path, temp => WriteModel(model, temp));

    /// <summary>Loads a network from a folder written by <see cref="SaveModel"/> or a training checkpoint, onto <paramref name="device"/> (default: <see cref="NeuroLens.Core.Runtime.ComputeSettings.Device"/>).</summary>
    public static UNet LoadModel(string path, Device? device = null)
    {
        var config = UNetConfig.FromJson(ReadText(path, ConfigFile), Path.Combine(path, ConfigFile));
        var model = new UNet(config, device: CPU);
        LoadWeights(model, path);
        model.to(device ?? NeuroLens.Core.Runtime.ComputeSettings.Device);
        return model;
    }

    /// <summary>The latest complete training checkpoint folder in <paramref name="directory"/>, or null when there is none.</summary>
    public static string? FindLatest(string directory) => List(directory).LastOrDefault().Path;

    internal static string SaveTraining(string directory, UNet model, AdamOptimizer optimizer, UnetTrainingState state, int keep)
    {
        string path = Path.Combine(directory, StepPrefix + state.Step.ToString("D8", CultureInfo.InvariantCulture));
        WriteFolder(path, temp =>
        {
            WriteModel(model, temp);
            optimizer.Save(Path.Combine(temp, OptimizerFile));
            File.WriteAllText(Path.Combine(temp, StateFile), JsonSerializer.Serialize(state, StateJson));
        });
        if (keep > 0)
            foreach (var (old, _) in List(directory).SkipLast(keep)) Directory.Delete(old, recursive: true);
        // Temporary folders left by a run killed mid-write are incomplete by construction.
        foreach (var stale in Directory.GetDirectories(directory, $".{StepPrefix}*.tmp")) Directory.Delete(stale, recursive: true);
        return path;
    }

    internal static UnetTrainingState RestoreTraining(string path, UNet model, AdamOptimizer optimizer)
    {
        var config = UNetConfig.FromJson(ReadText(path, ConfigFile), Path.Combine(path, ConfigFile));
        if (config != model.Config)
            throw new NeuroLensException($"{Path.Combine(path, ConfigFile)}: the checkpoint's architecture differs from the network being trained.");
        LoadWeights(model, path);
        optimizer.Load(Path.Combine(path, OptimizerFile));
        UnetTrainingState? state;
        string statePath = Path.Combine(path, StateFile);
        try { state = JsonSerializer.Deserialize<UnetTrainingState>(ReadText(path, StateFile), StateJson); }
        catch (JsonException e) { throw new NeuroLensException($"{statePath}: not a training state ({e.Message}).", e); }
        if (state is null || state.Step < 0 || state.Losses.Count != state.Step)
            throw new NeuroLensException($"{statePath}: expected a step count and one loss per step.");
        return state;
    }

    private static readonly JsonSerializerOptions StateJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    private static void WriteModel(UNet model, string folder)
    {
        File.WriteAllText(Path.Combine(folder, ConfigFile), model.Config.ToJson());
        var tensors = model.state_dict().Select(kv => (kv.Key, kv.Value.detach().cpu())).ToList();
        try { TensorFile.Write(Path.Combine(folder, WeightsFile), tensors); }
        finally { foreach (var (_, t) in tensors) t.Dispose(); }
    }

    private static void LoadWeights(UNet model, string folder)
    {
        string weights = Path.Combine(folder, WeightsFile);
        if (!File.Exists(weights)) throw new NeuroLensException($"{weights}: missing U-Net weights.");
        using var source = TensorFile.Open(weights);
        var expected = model.state_dict();
        var names = source.Entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Keys.Where(k => !names.Contains(k)).ToList();
        var unexpected = names.Where(n => !expected.ContainsKey(n)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new NeuroLensException($"{weights}: does not match the architecture in {ConfigFile}" +
                (missing.Count > 0 ? $"; missing {string.Join(", ", missing.Take(5))}" : "") +
                (unexpected.Count > 0 ? $"; unexpected {string.Join(", ", unexpected.Take(5))}" : "") + ".");
        using var noGrad = no_grad();
        foreach (var (name, target) in expected)
        {
            using var value = source.ReadTensor(name);
            if (!value.shape.SequenceEqual(target.shape) || value.dtype != target.dtype)
                throw new NeuroLensException($"{weights}: tensor '{name}' is {value.dtype} [{string.Join(", ", value.shape)}], expected {target.dtype} [{string.Join(", ", target.shape)}].");
            target.copy_(value);
        }
    }

    private static string ReadText(string folder, string file)
    {
        string path = Path.Combine(folder, file);
        if (!File.Exists(path)) throw new NeuroLensException($"{path}: missing; not a U-Net checkpoint folder.");
        return File.ReadAllText(path);
    }

    // Complete training checkpoints, oldest first; temporary folders start with '.' and are skipped.
    private static List<(string Path, int Step)> List(string directory)
    {
        if (!Directory.Exists(directory)) return [];
        var found = new List<(string, int)>();
        foreach (var dir in Directory.GetDirectories(directory, StepPrefix + "*"))
        {
            string name = Path.GetFileName(dir);
            if (int.TryParse(name.AsSpan(StepPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int step)
                && File.Exists(Path.Combine(dir, StateFile)))
                found.Add((dir, step));
        }
        return found.OrderBy(f => f.Item2).ToList();
    }

    // Replaces only folders that are U-Net checkpoints, so a mistyped path never deletes other data.
    private static void WriteFolder(string path, Action<string> write) =>
        AtomicFile.WriteDirectory(path, write, existing => File.Exists(Path.Combine(existing, ConfigFile)));
}
