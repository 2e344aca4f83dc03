using System.Text.Json.Nodes;
using NeuroLens.Core.TensorFiles;
using NeuroLens.Models.Language;
using static TorchSharp.torch;

namespace NeuroLens.Models.Tests;

/// <summary>What the tests of every causal family share: writing HF folders from hand-written key lists, and the contract checks.</summary>
internal static class CausalLmTestKit
{
    /// <summary>
    /// Writes config.json and model.safetensors with random weights for the given keys (HF shapes), plus
    /// <paramref name="extra"/> tensors; returns the weights as the model sees them (F32, after the dtype round trip).
    /// </summary>
    public static Dictionary<string, Tensor> WriteCheckpoint(string folder, JsonObject config, IEnumerable<(string Name, long[] Shape)> keys,
        ScalarType dtype = ScalarType.Float32, string? drop = null, IEnumerable<string>? extra = null, int seed = 7, string prefix = "")
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString());
        var generator = new Generator((ulong)seed);
        var weights = keys.ToDictionary(k => k.Name, k => (randn(k.Shape, generator: generator) * 0.5f).to_type(dtype));
        var written = weights.Where(kv => kv.Key != drop).Select(kv => (prefix + kv.Key, kv.Value)).ToList();
        foreach (var name in extra ?? []) written.Add((name, ones(3)));
        TensorFile.Write(Path.Combine(folder, "model.safetensors"), written);
        return weights.ToDictionary(kv => kv.Key, kv => kv.Value.to_type(float32));
    }

    /// <summary>Two rows of six tokens; the second is right-padded after three.</summary>
    public static (Tensor Ids, Tensor Mask) Inputs(int vocab)
    {
        var ids = tensor(new long[] { 1, 17 % vocab, 5, 9, 29 % vocab, 3, 2, 11, 7, 0, 0, 0 }, [2, 6]);
        var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0 }, [2, 6]);
        return (ids, mask);
    }

    public static Tensor LayerNorm(Tensor x, Tensor w, Tensor b, double eps)
    {
        var mean = x.mean([-1], keepdim: true);
        var variance = (x - mean).pow(2).mean([-1], keepdim: true);
        return (x - mean) / (variance + eps).sqrt() * w + b;
    }

    /// <summary>
    /// Rotate-half rotary embedding written out from the definition: angles p·θ^(−2j/r) computed in double
    /// for each position p and pair j, applied to the first r features of each (B, H, T, D) head.
    /// </summary>
    public static Tensor Rotary(Tensor x, int r, double theta)
    {
        long t = x.shape[2], d = x.shape[3];
        int half = r / 2;
        var cos = new float[t * half];
        var sin = new float[t * half];
        for (int p = 0; p < t; p++)
            for (int j = 0; j < half; j++)
            {
                double angle = p * Math.Pow(theta, -2.0 * j / r);
                cos[p * half + j] = (float)Math.Cos(angle);
                sin[p * half + j] = (float)Math.Sin(angle);
            }
        var c = tensor(cos, [t, half]);
        var s = tensor(sin, [t, half]);
        var x1 = x.narrow(-1, 0, half);
        var x2 = x.narrow(-1, half, half);
        // (x1, x2) → (x1 cos − x2 sin, x2 cos + x1 sin): each pair (i, i + r/2) turned by its angle.
        var parts = new List<Tensor> { x1 * c - x2 * s, x2 * c + x1 * s };
        if (r < d) parts.Add(x.narrow(-1, r, d - r));
        return cat(parts, -1);
    }

    /// <summary>softmax(q kᵀ/√D + causal-and-padding mask) v on (B, H, T, D), back to (B, T, H·D).</summary>
    public static Tensor Attention(Tensor q, Tensor k, Tensor v, Tensor mask)
    {
        long b = q.shape[0], h = q.shape[1], t = q.shape[2], d = q.shape[3];
        var scores = q.matmul(k.transpose(-1, -2)) / Math.Sqrt(d);
        var allowed = ones(t, t).tril().view(1, 1, t, t) * mask.to_type(float32).view(b, 1, 1, t);
        scores = scores.masked_fill(allowed.eq(0), -1e30f);
        return scores.softmax(-1).matmul(v).permute(0, 2, 1, 3).reshape(b, t, h * d);
    }

    public static double MaxAbs(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    /// <summary>Block-by-block forward equals Forward; a padded row's real tokens equal the row alone.</summary>
    public static void CheckBlockwiseAndPadding(ILanguageModel model, Tensor ids, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var whole = model.Forward(ids, mask);
        var h = model.Embed(ids);
        for (int i = 0; i < model.NumLayers; i++) h = model.Block(i, h, mask);
        Assert.Equal(whole.bytes.ToArray(), model.Head(h).bytes.ToArray());
        Assert.Equal(new long[] { ids.shape[0], ids.shape[1], model.VocabSize }, whole.shape);

        // Right padding: the second row's three real tokens, alone, give the same logits.
        var alone = model.Forward(ids[1, ..3].unsqueeze(0), ones(1, 3, dtype: int64));
        Assert.True(MaxAbs(whole[1, ..3], alone[0]) < 1e-5, $"padding changed the logits by {MaxAbs(whole[1, ..3], alone[0])}");
        // Changing the padded ids changes nothing of the real tokens either.
        var other = ids.clone();
        other[1, 4] = tensor(3L);
        Assert.True(MaxAbs(model.Forward(other, mask)[1, ..3], whole[1, ..3]) < 1e-6);
        // Causality: changing a later token leaves the earlier tokens' logits unchanged.
        var later = ids.clone();
        later[0, 5] = tensor(2L);
        Assert.True(MaxAbs(model.Forward(later, mask)[0, ..5], whole[0, ..5]) < 1e-6);
    }

    /// <summary>Save then load gives bit-identical weights and logits, and the same file again when saved twice.</summary>
    public static void CheckSaveReload(ILanguageModel model, string folder, Tensor ids, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var saved = Path.Combine(folder, "saved");
        model.Save(saved);
        using var again = LanguageModels.Load(saved, out var report);
        Assert.Empty(report.Unexpected);
        Assert.Equal(model.GetType(), again.GetType());
        Assert.Equal(model.ConfigJson.ToJsonString(), again.ConfigJson.ToJsonString());
        var a = model.Module.state_dict();
        var b = again.Module.state_dict();
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var (name, t) in b) Assert.Equal(a[name].bytes.ToArray(), t.bytes.ToArray());
        Assert.Equal(model.Forward(ids, mask).bytes.ToArray(), again.Forward(ids, mask).bytes.ToArray());
        var saved2 = Path.Combine(folder, "saved2");
        again.Save(saved2);
        Assert.Equal(File.ReadAllBytes(Path.Combine(saved, "model.safetensors")), File.ReadAllBytes(Path.Combine(saved2, "model.safetensors")));
    }

    /// <summary>The checkpoint re-written as several shards loads to the same logits.</summary>
    public static void CheckSharded(string folder, Dictionary<string, Tensor> weights, Tensor ids, Tensor mask, string prefix = "")
    {
        using var scope = NewDisposeScope();
        var sharded = Path.Combine(folder, "sharded");
        Directory.CreateDirectory(sharded);
        File.Copy(Path.Combine(folder, "config.json"), Path.Combine(sharded, "config.json"));
        ShardedSafetensorsWriter.Write(sharded, weights.Select(kv => (prefix + kv.Key, kv.Value)).ToList(), maxShardBytes: 4096);
        Assert.True(Directory.GetFiles(sharded, "model-*.safetensors").Length > 1);
        using var single = LanguageModels.Load(folder);
        using var fromShards = LanguageModels.Load(sharded);
        Assert.Equal(single.Forward(ids, mask).bytes.ToArray(), fromShards.Forward(ids, mask).bytes.ToArray());
    }
}
