using System.Text.Json;
using System.Text.Json.Nodes;
using NeuroLens.Core;
using NeuroLens.Core.IO;
using NeuroLens.Core.TensorFiles;
using NeuroLens.Models.Language;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Expansion;

/// <summary>
/// A model whose FFN layers run as Sparse Expansion experts: forward hooks on the dense linear layers
/// replace their outputs by <see cref="ExpandedLinear.Forward"/> of the same input (attention and
/// everything else stay dense). Saved as the dense Hugging Face folder plus <c>expansion.safetensors</c>
/// (per group the router's centroids and PCA basis, per layer the K expert weights and biases) and
/// <c>expansion.json</c> (K, r, sparsity, groups), and loaded back with <see cref="Load"/>.
/// Dispose it to remove the hooks and free the experts (not the model).
/// </summary>
public sealed class ExpandedModel : IDisposable
{
    private readonly List<Action> _removers = [];
    private readonly List<(IReadOnlyList<string> Names, ExpertRouter Router, IReadOnlyList<ExpandedLinear> Layers)> _groups = [];

    /// <summary>Wraps <paramref name="model"/> (borrowed); groups are added with <see cref="Install"/>.</summary>
    public ExpandedModel(ILanguageModel model, JsonObject? settings = null)
    {
        Model = model;
        Settings = settings ?? [];
    }

    /// <summary>The underlying model.</summary>
    public ILanguageModel Model { get; }

    /// <summary>Free-form settings written to <c>expansion.json</c> (experts, r, sparsity, seed).</summary>
    public JsonObject Settings { get; }

    /// <summary>The expanded groups: their layer names, shared router and expanded layers.</summary>
    public IReadOnlyList<(IReadOnlyList<string> Names, ExpertRouter Router, IReadOnlyList<ExpandedLinear> Layers)> Groups => _groups;

    /// <summary>Replaces the named layers (one FFN group sharing <paramref name="router"/>) by their experts (taken over).</summary>
    public void Install(IReadOnlyList<string> names, ExpertRouter router, IReadOnlyList<ExpandedLinear> layers)
    {
        if (names.Count != layers.Count) throw new NeuroLensException($"ExpandedModel: {names.Count} names for {layers.Count} layers.");
        for (int i = 0; i < names.Count; i++)
        {
            var expanded = layers[i];
            var hook = Model.GetLinear(names[i]).register_forward_hook((m, input, output) => expanded.Forward(input));
            _removers.Add(() => hook.remove());
        }
        _groups.Add((names, router, layers));
    }

    /// <summary>Writes the dense folder and the expansion files into <paramref name="folder"/>.</summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        Model.Save(folder);
        var tensors = new List<(string, Tensor)>();
        var groups = new JsonArray();
        foreach (var (names, router, layers) in _groups)
        {
            string key = names[0];
            tensors.Add(($"{key}.router.centroids", router.Centroids));
            if (router.PcaComponents is not null)
            {
                tensors.Add(($"{key}.router.pca_mean", router.PcaMean!));
                tensors.Add(($"{key}.router.pca_components", router.PcaComponents));
            }
            for (int i = 0; i < names.Count; i++)
            {
                tensors.Add(($"{names[i]}.experts.weight", layers[i].Weights));
                if (layers[i].Biases is { } b) tensors.Add(($"{names[i]}.experts.bias", b));
            }
            groups.Add(new JsonArray(names.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()));
        }
        TensorFile.Write(Path.Combine(folder, "expansion.safetensors"), tensors);
        var json = new JsonObject { ["format"] = "neurolens-sparse-expansion-1", ["settings"] = Settings.DeepClone(), ["groups"] = groups };
        AtomicFile.WriteAllText(Path.Combine(folder, "expansion.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Loads a folder written by <see cref="Save"/>: the dense model with its experts installed.</summary>
    public static ExpandedModel Load(string folder)
    {
        string jsonPath = Path.Combine(folder, "expansion.json");
        if (!File.Exists(jsonPath)) throw new NeuroLensException($"{folder}: no expansion.json; not a folder written by 'neurolens expand --save'");
        JsonObject json;
        try { json = JsonNode.Parse(File.ReadAllText(jsonPath)) as JsonObject ?? throw new JsonException("not an object"); }
        catch (JsonException e) { throw new NeuroLensException($"{jsonPath}: not valid JSON ({e.Message})"); }
        var groups = (json["groups"] as JsonArray)?.Select(g => (g as JsonArray)?.Select(n => n?.GetValue<string>() ?? "").ToList()
            ?? throw new NeuroLensException($"{jsonPath}: each group must be a list of layer names")).ToList()
            ?? throw new NeuroLensException($"{jsonPath}: missing 'groups'");
        var model = LanguageModels.Load(folder);
        var expanded = new ExpandedModel(model, json["settings"]?.DeepClone() as JsonObject);
        using var source = TensorFile.Open(Path.Combine(folder, "expansion.safetensors"));
        var names = source.Entries.Select(e => e.Name).ToHashSet();
        Tensor Read(string name) => names.Contains(name) ? source.ReadTensor(name)
            : throw new NeuroLensException($"{folder}/expansion.safetensors: missing tensor '{name}'");
        foreach (var group in groups)
        {
            if (group.Count == 0) throw new NeuroLensException($"{jsonPath}: an empty group");
            string key = group[0];
            var router = new ExpertRouter(Read($"{key}.router.centroids"),
                names.Contains($"{key}.router.pca_mean") ? Read($"{key}.router.pca_mean") : null,
                names.Contains($"{key}.router.pca_components") ? Read($"{key}.router.pca_components") : null);
            var layers = group.Select(n => new ExpandedLinear(router, Read($"{n}.experts.weight"),
                names.Contains($"{n}.experts.bias") ? Read($"{n}.experts.bias") : null)).ToList();
            expanded.Install(group, router, layers);
        }
        return expanded;
    }

    /// <summary>Removes the hooks and frees routers and experts (the model stays).</summary>
    public void Dispose()
    {
        foreach (var remove in _removers) remove();
        _removers.Clear();
        foreach (var (_, router, layers) in _groups)
        {
            foreach (var l in layers) l.Dispose();
            router.Dispose();
        }
        _groups.Clear();
    }
}
