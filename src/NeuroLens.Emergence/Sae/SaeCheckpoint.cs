using System.Globalization;
using NeuroLens.Core;
using NeuroLens.Core.TensorFiles;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Sae;

/// <summary>
/// Training checkpoints: <c>checkpoint.safetensors</c> in a folder, holding the SAE's tensors in the
/// scaled space, the Adam moments, the per-latent tokens-since-fired counters, and in its metadata the
/// architecture, k, input scale, step and tokens seen.
/// </summary>
public static class SaeCheckpoint
{
    /// <summary>The checkpoint file's name inside its folder.</summary>
    public const string FileName = "checkpoint.safetensors";

    /// <summary>A loaded checkpoint.</summary>
    /// <param name="Sae">The SAE as it was (the caller owns it).</param>
    /// <param name="Step">Steps taken.</param>
    /// <param name="Tokens">Tokens seen.</param>
    /// <param name="Tensors">Optimizer tensors by name (moments, counters).</param>
    public sealed record State(SparseAutoencoder Sae, long Step, long Tokens, IReadOnlyDictionary<string, Tensor> Tensors)
    {
        /// <summary>Copies the optimizer state and position into a trainer built around <see cref="Sae"/>, then frees it.</summary>
        public void RestoreInto(SaeTrainer trainer)
        {
            using var noGrad = no_grad();
            for (int i = 0; i < 4; i++)
            {
                trainer.FirstMoments[i].copy_(Tensors[$"adam_m.{i}"]);
                trainer.SecondMoments[i].copy_(Tensors[$"adam_v.{i}"]);
            }
            trainer.TokensSinceFired.copy_(Tensors["tokens_since_fired"]);
            trainer.Restore(Step, Tokens);
            foreach (var t in Tensors.Values) t.Dispose();
        }
    }

    /// <summary>Writes the trainer's state to <paramref name="folder"/>/<see cref="FileName"/> atomically.</summary>
    public static void Save(string folder, SaeTrainer trainer)
    {
        Directory.CreateDirectory(folder);
        var sae = trainer.Sae;
        var tensors = new List<(string, Tensor)>
        {
            ("W_enc", sae.WEnc.detach()), ("b_enc", sae.BEnc.detach()), ("W_dec", sae.WDec.detach()), ("b_dec", sae.BDec.detach()),
            ("tokens_since_fired", trainer.TokensSinceFired),
        };
        if (sae.Threshold is not null) tensors.Add(("threshold", sae.Threshold));
        for (int i = 0; i < 4; i++)
        {
            tensors.Add(($"adam_m.{i}", trainer.FirstMoments[i]));
            tensors.Add(($"adam_v.{i}", trainer.SecondMoments[i]));
        }
        var metadata = new Dictionary<string, string>
        {
            ["architecture"] = sae.Architecture.ToString(),
            ["k"] = sae.K.ToString(CultureInfo.InvariantCulture),
            ["input_scale"] = sae.InputScale.ToString("R", CultureInfo.InvariantCulture),
            ["step"] = trainer.Step.ToString(CultureInfo.InvariantCulture),
            ["tokens"] = trainer.TokensSeen.ToString(CultureInfo.InvariantCulture),
        };
        TensorFile.Write(Path.Combine(folder, FileName), tensors, metadata);
    }

    /// <summary>The checkpoint in <paramref name="folder"/>, or null when there is none.</summary>
    public static State? TryLoad(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return null;
        using var file = TensorFile.Open(path);
        string Meta(string key) => file.Metadata.TryGetValue(key, out var v)
            ? v
            : throw new NeuroLensException($"{path}: checkpoint metadata lacks '{key}'");
        if (!Enum.TryParse<SaeArchitecture>(Meta("architecture"), out var architecture))
            throw new NeuroLensException($"{path}: unknown architecture '{Meta("architecture")}'");
        int k = int.Parse(Meta("k"), CultureInfo.InvariantCulture);
        double scale = double.Parse(Meta("input_scale"), CultureInfo.InvariantCulture);
        long step = long.Parse(Meta("step"), CultureInfo.InvariantCulture);
        long tokens = long.Parse(Meta("tokens"), CultureInfo.InvariantCulture);
        var names = file.Entries.Select(e => e.Name).ToHashSet();
        var sae = new SparseAutoencoder(architecture, k, file.ReadTensor("W_enc"), file.ReadTensor("b_enc"), file.ReadTensor("W_dec"),
            file.ReadTensor("b_dec"), names.Contains("threshold") ? file.ReadTensor("threshold") : null, scale);
        var rest = new Dictionary<string, Tensor> { ["tokens_since_fired"] = file.ReadTensor("tokens_since_fired") };
        for (int i = 0; i < 4; i++)
        {
            rest[$"adam_m.{i}"] = file.ReadTensor($"adam_m.{i}");
            rest[$"adam_v.{i}"] = file.ReadTensor($"adam_v.{i}");
        }
        return new State(sae, step, tokens, rest);
    }
}
