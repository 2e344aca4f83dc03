using NeuroLens.Core;
using NeuroLens.Core.Progress;
using NeuroLens.Core.Runtime;
using NeuroLens.Models.Language;
using NeuroLens.Models.Tokenizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroLens.Models.Capture;

/// <summary>
/// Records activations of a model over batches of token sequences: the inputs and outputs
/// (pre-activation) of chosen linear layers, through TorchSharp forward hooks, and the residual stream
/// after chosen blocks.
/// <para>
/// Protocol. Each batch runs block by block (<see cref="ILanguageModel.Embed"/>, then
/// <see cref="ILanguageModel.Block"/> for ℓ = 0 up to the deepest block a site needs; the head only when a
/// site lies outside every block), without gradients. <c>resid_post.ℓ</c> is the output of block ℓ, which
/// is Hugging Face's <c>hidden_states[ℓ + 1]</c> — except for the last block of GPT-2, GPT-NeoX and
/// Llama, where Hugging Face applies the final norm to its last <c>hidden_states</c> entry and NeuroLens
/// does not. A linear site records what the layer receives and returns, y = W x + b, before any
/// activation function. Only real tokens (attention mask 1) are kept, batch-major then by position —
/// row order is (sequence 0: positions 0, 1, …), (sequence 1: …), … across batches — each with its
/// token id, sequence ordinal and position (<see cref="CapturedToken"/>).
/// </para>
/// </summary>
public static class ActivationCapture
{
    /// <summary>
    /// Captures the sites of <paramref name="options"/> over <paramref name="batches"/>, which it
    /// enumerates once and disposes batch by batch; it stops after <see cref="CaptureOptions.MaxTokens"/>
    /// real tokens. Sequence ordinals count batch rows from 0 across batches.
    /// </summary>
    /// <returns>The capture, open for reading (from its folder when one was given). Dispose it.</returns>
    /// <exception cref="NeuroLensException">A site matches nothing, the budget is not positive, or an in-memory capture exceeds it.</exception>
    public static CaptureSet Run(ILanguageModel model, IEnumerable<TokenBatch> batches, CaptureOptions options,
        IProgress<ProgressUpdate>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batches);
        if (options.MaxTokens is <= 0) throw new NeuroLensException($"capture: the token limit must be positive, got {options.MaxTokens}");
        var sites = CaptureSites.Resolve(model, options.Sites);
        using var writer = new CaptureWriter(sites, options.Folder, model.ModelType, options.MemoryBudgetBytes);
        bool needsHead = sites.Any(s => s.Layer < 0);
        int lastBlock = needsHead ? model.NumLayers - 1 : sites.Max(s => s.Layer);
        var residSites = sites.Select((s, i) => (Site: s, Index: i)).Where(x => x.Site.Kind == CaptureSiteKind.ResidPost)
            .ToLookup(x => x.Site.Layer, x => x.Index);
        var device = model.Module.parameters().FirstOrDefault()?.device ?? CPU;

        var staging = new Staging(sites.Count);
        var hooks = new List<Action>(); // removers
        try
        {
            foreach (var group in sites.Select((s, i) => (Site: s, Index: i)).Where(x => x.Site.Kind != CaptureSiteKind.ResidPost).GroupBy(x => x.Site.Module))
            {
                string module = group.Key;
                int input = group.Where(x => x.Site.Kind == CaptureSiteKind.LinearInput).Select(x => x.Index).DefaultIfEmpty(-1).First();
                int output = group.Where(x => x.Site.Kind == CaptureSiteKind.LinearOutput).Select(x => x.Index).DefaultIfEmpty(-1).First();
                var linear = model.GetLinear(module);
                var handle = linear.register_forward_hook((m, x, y) =>
                {
                    if (staging.Rows is null) return null!;
                    if (input >= 0) staging.Stage(input, x, module);
                    if (output >= 0) staging.Stage(output, y, module);
                    return null!; // keep the layer's output
                });
                hooks.Add(handle.remove);
            }

            long textBase = 0;
            long limit = options.MaxTokens ?? long.MaxValue;
            foreach (var batch in batches)
            {
                using (batch)
                {
                    cancellation.ThrowIfCancellationRequested();
                    if (writer.Rows >= limit) break;
                    if (batch.InputIds.dim() != 2 || !batch.AttentionMask.shape.SequenceEqual(batch.InputIds.shape))
                        throw new ArgumentException("a batch needs (B, T) input ids and an attention mask of the same shape");
                    long b = batch.InputIds.shape[0], t = batch.InputIds.shape[1];
                    using var scope = NewDisposeScope();
                    using var _ = no_grad();
                    var ids = batch.InputIds.to(int64).to(device);
                    var mask = batch.AttentionMask.to(int64).to(device);
                    // Real tokens, flat index b·T + t ascending: batch-major, then position.
                    var real = mask.reshape(-1).nonzero().reshape(-1);
                    long take = Math.Min(real.shape[0], limit - writer.Rows);
                    if (take < real.shape[0]) real = real.narrow(0, 0, take);
                    int n = (int)take;
                    if (n > 0)
                    {
                        staging.Begin(real, n);
                        var h = model.Embed(ids);
                        for (int l = 0; l <= lastBlock; l++)
                        {
                            var next = model.Block(l, h, mask);
                            h.Dispose();
                            h = next;
                            foreach (var index in residSites[l]) staging.Stage(index, h, sites[index].Name);
                        }
                        if (needsHead) model.Head(h).Dispose();
                        h.Dispose();
                        var missing = sites.Where((s, i) => staging.Rows![i] is null).Select(s => s.Name).ToList();
                        if (missing.Count > 0)
                            throw new NeuroLensException($"capture: the forward pass never called {string.Join(", ", missing)}");
                        var realCpu = real.cpu();
                        var flatIds = ids.reshape(-1).index_select(0, real).cpu();
                        using var length = t.ToScalar();
                        using var firstText = textBase.ToScalar();
                        long[] positions = realCpu.remainder(length).data<long>().ToArray();
                        long[] texts = realCpu.div(length, rounding_mode: RoundingMode.floor).add(firstText, TorchScalars.One).data<long>().ToArray();
                        var rows = staging.End();
                        writer.Append(rows, flatIds.data<long>().ToArray(), texts, positions, n);
                    }
                    textBase += b;
                    progress?.Report(new ProgressUpdate("capturing activations", writer.Rows, options.MaxTokens ?? 0, "tokens"));
                }
            }
        }
        finally
        {
            staging.End();
            foreach (var remove in hooks) remove();
        }
        return writer.Finish();
    }

    /// <summary>The current batch's rows per site, copied out of the forward pass as it happens.</summary>
    private sealed class Staging(int sites)
    {
        private Tensor? _real;
        private int _count;

        public float[]?[]? Rows { get; private set; }

        public void Begin(Tensor real, int count)
        {
            _real = real;
            _count = count;
            Rows = new float[sites][];
        }

        public void Stage(int site, Tensor activations, string name)
        {
            if (Rows![site] is not null)
                throw new NeuroLensException($"capture: {name} ran more than once in one forward pass; only layers called once per pass can be captured");
            long width = activations.shape[^1];
            using var flat = activations.reshape(-1, width);
            using var rows = flat.index_select(0, _real!);
            using var cpu = rows.to(float32).cpu().contiguous();
            var data = new float[(long)_count * width];
            // A memcpy of the tensor's storage (the element-wise accessor is far slower for wide layers).
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(cpu.bytes).CopyTo(data);
            Rows[site] = data;
        }

        public float[][] End()
        {
            var rows = Rows;
            Rows = null;
            _real = null;
            return rows is null ? [] : rows.Select(r => r ?? []).ToArray();
        }
    }
}
