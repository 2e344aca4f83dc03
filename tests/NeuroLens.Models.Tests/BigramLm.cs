using System.Text.Json.Nodes;
using NeuroLens.Models.Language;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroLens.Models.Tests;

/// <summary>
/// A test causal LM whose logits at position t depend only on token t, so they can be computed by hand:
/// e = E[x_t]; block 0: h = e + proj(e); head: logits = lm_head(h).
/// </summary>
internal sealed class BigramLm : nn.Module<Tensor, Tensor, Tensor>, ILanguageModel
{
    private readonly Embedding embed;
    private readonly Linear proj, lm_head;

    public BigramLm(int vocab, int width) : base("bigram")
    {
        embed = nn.Embedding(vocab, width);
        proj = nn.Linear(width, width);
        lm_head = nn.Linear(width, vocab);
        RegisterComponents();
        eval();
        VocabSize = vocab;
        HiddenSize = width;
    }

    public Tensor EmbeddingWeight => embed.weight!;

    public string ModelType => "bigram";

    public ModelKind Kind => ModelKind.CausalLm;

    public int HiddenSize { get; }

    public int NumLayers => 1;

    public int VocabSize { get; }

    public int MaxPositions => 64;

    public nn.Module Module => this;

    public IReadOnlyList<string> LinearLayerNames => ["proj", "lm_head"];

    public JsonObject ConfigJson => new() { ["model_type"] = ModelType };

    public Linear GetLinear(string name) => name switch
    {
        "proj" => proj,
        "lm_head" => lm_head,
        _ => throw new ArgumentException($"no linear layer named '{name}'", nameof(name)),
    };

    public string BlockName(int layer) => "block0";

    public IReadOnlyList<IReadOnlyList<string>> FeedForwardGroups(int layer) => [["proj"]];

    public Tensor Embed(Tensor inputIds) => embed.call(inputIds);

    public Tensor Block(int layer, Tensor hidden, Tensor attentionMask)
    {
        using var projected = proj.call(hidden);
        return hidden + projected;
    }

    public Tensor Head(Tensor hidden) => lm_head.call(hidden);

    public Tensor Forward(Tensor inputIds, Tensor attentionMask) => forward(inputIds, attentionMask);

    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var e = Embed(inputIds);
        using var h = Block(0, e, attentionMask);
        return Head(h);
    }

    /// <summary>Log-probabilities of the next token after <paramref name="token"/>, by hand in doubles from the weights.</summary>
    public double[] NextLogProbabilities(int token)
    {
        var e = embed.weight![token].data<float>().ToArray();
        int c = e.Length;
        var wp = proj.weight!.data<float>().ToArray();
        var bp = proj.bias!.data<float>().ToArray();
        var wh = lm_head.weight!.data<float>().ToArray();
        var bh = lm_head.bias!.data<float>().ToArray();
        var h = new double[c];
        for (int i = 0; i < c; i++)
        {
            double s = bp[i];
            for (int j = 0; j < c; j++) s += wp[i * c + j] * (double)e[j];
            h[i] = e[i] + s;
        }
        var logits = new double[VocabSize];
        for (int v = 0; v < VocabSize; v++)
        {
            double s = bh[v];
            for (int j = 0; j < c; j++) s += wh[v * c + j] * h[j];
            logits[v] = s;
        }
        double max = logits.Max();
        double logSum = max + Math.Log(logits.Sum(l => Math.Exp(l - max)));
        return logits.Select(l => l - logSum).ToArray();
    }

    public void Save(string folder) => throw new NotSupportedException("a test model");
}
