using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NeuroLens.Core;
using NeuroLens.Core.IO;
using NeuroLens.Core.Runtime;
using NeuroLens.Core.TensorFiles;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Sae;

/// <summary>
/// SAE folders on disk. NeuroLens writes the SAELens layout: <c>cfg.json</c> and
/// <c>sae_weights.safetensors</c> with <c>W_enc</c> [d_in, d_sae], <c>W_dec</c> [d_sae, d_in], <c>b_enc</c>
/// [d_sae], <c>b_dec</c> [d_in] and, for BatchTopK (saved as JumpReLU), <c>threshold</c> [d_sae]. It reads
/// that layout and EleutherAI sparsify's: <c>cfg.json</c> and <c>sae.safetensors</c> with
/// <c>encoder.weight</c> [d_sae, d_in], <c>encoder.bias</c> [d_sae], <c>W_dec</c> [d_sae, d_in],
/// <c>b_dec</c> [d_in] (TopK with <c>k</c> from cfg.json).
/// </summary>
/// <remarks>
/// The input scale c is folded into the written weights (W_enc·c, W_dec/c, b_dec/c), the SAELens
/// convention for a constant normalisation, so that any SAELens reader gets an SAE on raw activations
/// (<c>normalize_activations</c> = <c>none</c>). c itself is kept in <c>cfg.json</c> under
/// <c>neurolens.input_scale</c>, and NeuroLens unfolds it on reading, so TopK decoder rows are unit vectors
/// again. BatchTopK SAEs are written as <c>architecture</c> = <c>jumprelu</c> with their thresholds
/// (how SAELens stores them) and <c>neurolens.architecture</c> = <c>batchtopk</c>.
/// </remarks>
public static class SaeFiles
{
    /// <summary>The SAELens weights file.</summary>
    public const string SaeLensWeights = "sae_weights.safetensors";

    /// <summary>The sparsify weights file.</summary>
    public const string SparsifyWeights = "sae.safetensors";

    /// <summary>The configuration file of both layouts.</summary>
    public const string ConfigFile = "cfg.json";

    /// <summary>Writes <paramref name="sae"/> to <paramref name="folder"/> in SAELens layout, each file atomically.</summary>
    public static void Write(string folder, SparseAutoencoder sae, SaeMetadata? metadata = null)
    {
        metadata ??= new SaeMetadata();
        Directory.CreateDirectory(folder);
        double c = sae.InputScale;
        using var cScalar = c.ToScalar();
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var tensors = new List<(string, Tensor)>
            {
                ("W_enc", c == 1 ? sae.WEnc.detach() : sae.WEnc.detach().mul(cScalar)),
                ("W_dec", c == 1 ? sae.WDec.detach() : sae.WDec.detach().div(cScalar)),
                ("b_enc", sae.BEnc.detach()),
                ("b_dec", c == 1 ? sae.BDec.detach() : sae.BDec.detach().div(cScalar)),
            };
            if (sae.Threshold is not null) tensors.Add(("threshold", sae.Threshold));
            TensorFile.Write(Path.Combine(folder, SaeLensWeights), tensors);
        }
        string architecture = sae.Architecture switch
        {
            SaeArchitecture.TopK => "topk",
            SaeArchitecture.BatchTopK => "jumprelu",
            _ => "standard",
        };
        var cfg = new JsonObject
        {
            ["architecture"] = architecture,
            ["d_in"] = sae.InputSize,
            ["d_sae"] = sae.Latents,
            ["dtype"] = "float32",
            ["device"] = "cpu",
            ["model_name"] = metadata.ModelName,
            ["hook_name"] = metadata.HookName,
            ["hook_layer"] = metadata.HookLayer,
            ["hook_head_index"] = null,
            ["activation_fn_str"] = sae.Architecture == SaeArchitecture.TopK ? "topk" : "relu",
            ["activation_fn_kwargs"] = sae.Architecture == SaeArchitecture.TopK ? new JsonObject { ["k"] = sae.K } : new JsonObject(),
            ["k"] = sae.Architecture == SaeArchitecture.Relu ? null : sae.K,
            ["apply_b_dec_to_input"] = true,
            ["finetuning_scaling_factor"] = false,
            ["normalize_activations"] = "none",
            ["neurolens"] = new JsonObject
            {
                ["architecture"] = sae.Architecture switch
                {
                    SaeArchitecture.TopK => "topk",
                    SaeArchitecture.BatchTopK => "batchtopk",
                    _ => "relu",
                },
                ["k"] = sae.K,
                ["input_scale"] = c,
            },
        };
        AtomicFile.WriteAllText(Path.Combine(folder, ConfigFile), cfg.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>Reads an SAE folder in SAELens or sparsify layout (chosen by the weights file present).</summary>
    public static (SparseAutoencoder Sae, SaeMetadata Metadata) Read(string folder)
    {
        if (!Directory.Exists(folder))
            throw new NeuroLensException($"{folder}: no such SAE folder; expected a folder with {ConfigFile} and {SaeLensWeights} (SAELens) or {SparsifyWeights} (sparsify)");
        var cfgPath = Path.Combine(folder, ConfigFile);
        if (!File.Exists(cfgPath))
            throw new NeuroLensException($"{folder}: no {ConfigFile}; expected an SAE folder in SAELens or sparsify layout");
        JsonObject cfg;
        try
        {
            cfg = JsonNode.Parse(File.ReadAllText(cfgPath)) as JsonObject
                ?? throw new NeuroLensException($"{cfgPath}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new NeuroLensException($"{cfgPath}: not valid JSON ({e.Message})");
        }
        if (File.Exists(Path.Combine(folder, SaeLensWeights))) return (ReadSaeLens(folder, cfg), ReadMetadata(cfg));
        if (File.Exists(Path.Combine(folder, SparsifyWeights))) return (ReadSparsify(folder, cfg), ReadMetadata(cfg));
        throw new NeuroLensException($"{folder}: holds neither {SaeLensWeights} (SAELens) nor {SparsifyWeights} (sparsify)");
    }

    private static SparseAutoencoder ReadSaeLens(string folder, JsonObject cfg)
    {
        var path = Path.Combine(folder, SaeLensWeights);
        using var file = TensorFile.Open(path);
        var names = file.Entries.Select(e => e.Name).ToHashSet();
        var wEncEntry = Require(file, path, "W_enc", 2);
        long dIn = wEncEntry.Shape[0], dSae = wEncEntry.Shape[1];
        RequireShape(file, path, "W_dec", dSae, dIn);
        RequireShape(file, path, "b_enc", dSae);
        RequireShape(file, path, "b_dec", dIn);
        if (names.Contains("threshold")) RequireShape(file, path, "threshold", dSae);
        var nl = cfg["neurolens"] as JsonObject;
        string architectureName = (nl?["architecture"] ?? cfg["architecture"])?.ToString() ?? "standard";
        string activation = cfg["activation_fn_str"]?.ToString() ?? "relu";
        var architecture = architectureName switch
        {
            "topk" => SaeArchitecture.TopK,
            "batchtopk" => SaeArchitecture.BatchTopK,
            "jumprelu" => SaeArchitecture.BatchTopK,
            "relu" => SaeArchitecture.Relu,
            "standard" => activation == "topk" ? SaeArchitecture.TopK : SaeArchitecture.Relu,
            _ => throw new NeuroLensException($"{Path.Combine(folder, ConfigFile)}: architecture '{architectureName}' is not supported (topk, jumprelu, standard)"),
        };
        if (architecture == SaeArchitecture.BatchTopK && !names.Contains("threshold"))
            throw new NeuroLensException($"{path}: a {architectureName} SAE needs a 'threshold' tensor [{dSae}]");
        int k = ReadInt(nl?["k"]) ?? ReadInt(cfg["k"]) ?? ReadInt((cfg["activation_fn_kwargs"] as JsonObject)?["k"]) ?? 0;
        if (architecture == SaeArchitecture.TopK && (k < 1 || k > dSae))
            throw new NeuroLensException($"{Path.Combine(folder, ConfigFile)}: a TopK SAE needs k in [1, {dSae}], got {k}");
        if (architecture == SaeArchitecture.BatchTopK && (k < 1 || k > dSae)) k = 1;
        double c = nl?["input_scale"] is JsonNode s ? s.GetValue<double>() : 1.0;
        if (!(c > 0 && double.IsFinite(c)))
            throw new NeuroLensException($"{Path.Combine(folder, ConfigFile)}: neurolens.input_scale must be positive, got {c}");
        var wEnc = file.ReadTensor("W_enc");
        var wDec = file.ReadTensor("W_dec");
        var bDec = file.ReadTensor("b_dec");
        if (c != 1)
        {
            using var cScalar = c.ToScalar();
            using (var a = wEnc) wEnc = a.to_type(ScalarType.Float32).div(cScalar);
            using (var a = wDec) wDec = a.to_type(ScalarType.Float32).mul(cScalar);
            using (var a = bDec) bDec = a.to_type(ScalarType.Float32).mul(cScalar);
        }
        return new SparseAutoencoder(architecture, k, wEnc, file.ReadTensor("b_enc"), wDec, bDec,
            names.Contains("threshold") ? file.ReadTensor("threshold") : null, c);
    }

    private static SparseAutoencoder ReadSparsify(string folder, JsonObject cfg)
    {
        var path = Path.Combine(folder, SparsifyWeights);
        using var file = TensorFile.Open(path);
        var encoder = Require(file, path, "encoder.weight", 2);
        long dSae = encoder.Shape[0], dIn = encoder.Shape[1];
        RequireShape(file, path, "encoder.bias", dSae);
        RequireShape(file, path, "W_dec", dSae, dIn);
        RequireShape(file, path, "b_dec", dIn);
        int k = ReadInt(cfg["k"]) ?? 0;
        if (k < 1 || k > dSae)
            throw new NeuroLensException($"{Path.Combine(folder, ConfigFile)}: sparsify SAEs are TopK; 'k' must be in [1, {dSae}], got {k}");
        using var encoderWeight = file.ReadTensor("encoder.weight");
        var wEnc = encoderWeight.t().contiguous();
        return new SparseAutoencoder(SaeArchitecture.TopK, k, wEnc, file.ReadTensor("encoder.bias"), file.ReadTensor("W_dec"), file.ReadTensor("b_dec"));
    }

    private static SaeMetadata ReadMetadata(JsonObject cfg) => new(
        cfg["model_name"]?.ToString() ?? "",
        cfg["hook_name"]?.ToString() ?? cfg["hookpoint"]?.ToString() ?? "",
        ReadInt(cfg["hook_layer"]) ?? -1);

    private static int? ReadInt(JsonNode? node)
    {
        if (node is not JsonValue value) return null;
        if (value.TryGetValue<int>(out var i)) return i;
        if (value.TryGetValue<long>(out var l) && l is >= int.MinValue and <= int.MaxValue) return (int)l;
        if (value.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue) return (int)d;
        return null;
    }

    private static TensorEntry Require(ITensorSource file, string path, string name, int rank)
    {
        var entry = file.Entries.FirstOrDefault(e => e.Name == name)
            ?? throw new NeuroLensException($"{path}: no tensor '{name}'; found {string.Join(", ", file.Entries.Select(e => e.Name))}");
        if (entry.Shape.Length != rank || entry.Shape.Any(s => s < 1))
            throw new NeuroLensException($"{path}: tensor '{name}' has shape {entry.ShapeText}; expected {rank} positive dimensions");
        if (entry.DType is not (DType.F32 or DType.F16 or DType.BF16 or DType.F64))
            throw new NeuroLensException($"{path}: tensor '{name}' is {entry.DType}; expected a float tensor");
        return entry;
    }

    private static void RequireShape(ITensorSource file, string path, string name, params long[] shape)
    {
        var entry = Require(file, path, name, shape.Length);
        if (!entry.Shape.SequenceEqual(shape))
            throw new NeuroLensException(
                $"{path}: tensor '{name}' has shape {entry.ShapeText}; expected ({string.Join(", ", shape.Select(s => s.ToString(CultureInfo.InvariantCulture)))})");
    }
}
