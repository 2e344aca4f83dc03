using System.Text.Json.Nodes;
using NeuroLens.Core.IO;
using NeuroLens.Models.Checkpoints;
using NeuroLens.Models.Language;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroLens.Models.Tests.Training;

/// <summary>
/// A minimal causal LM for testing the trainer without a real family: token embedding, one residual
/// block mixing each position with the previous one (so it is causal by construction), LayerNorm and
/// an untied unembedding. Test-only; not a model NeuroLens ships.
/// </summary>
internal sealed class TestCausalLm : nn.Module, ILanguageModel
{
    private readonly Embedding embed_in;
    private readonly Linear current, previous;
    private readonly LayerNorm final_layer_norm;
    private readonly Linear embed_out;

    public TestCausalLm(int vocab, int hidden, int positions) : base("test_causal_lm")
    {
        VocabSize = vocab;
        HiddenSize = hidden;
        MaxPositions = positions;
        embed_in = nn.Embedding(vocab, hidden);
        current = nn.Linear(hidden, hidden);
        previous = nn.Linear(hidden, hidden, hasBias: false);
        final_layer_norm = nn.LayerNorm(hidden);
        embed_out = nn.Linear(hidden, vocab, hasBias: false);
        RegisterComponents();
    }

    public string ModelType => "test_causal_lm";
    public ModelKind Kind => ModelKind.CausalLm;
    public int HiddenSize { get; }
    public int NumLayers => 1;
    public int VocabSize { get; }
    public int MaxPositions { get; }
    public nn.Module Module => this;
    public IReadOnlyList<string> LinearLayerNames => ["current", "previous", "embed_out"];

    public Linear GetLinear(string name) => name switch
    {
        "current" => current, "previous" => previous, "embed_out" => embed_out,
        _ => throw new ArgumentException($"no linear layer {name}"),
    };

    public string BlockName(int layer) => "block";
    public IReadOnlyList<IReadOnlyList<string>> FeedForwardGroups(int layer) => [["current", "previous"]];
    public Tensor Embed(Tensor inputIds) => embed_in.call(inputIds);

    public Tensor Block(int layer, Tensor hidden, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var shifted = nn.functional.pad(hidden, [0, 0, 1, 0])[.., ..(int)hidden.shape[1]];
        return (hidden + nn.functional.gelu(current.call(hidden) + previous.call(shifted))).MoveToOuterDisposeScope();
    }

    public Tensor Head(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return embed_out.call(final_layer_norm.call(hidden)).MoveToOuterDisposeScope();
    }

    public Tensor Forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        return Head(Block(0, Embed(inputIds), attentionMask)).MoveToOuterDisposeScope();
    }

    public JsonObject ConfigJson => new() { ["model_type"] = ModelType, ["vocab_size"] = VocabSize, ["hidden_size"] = HiddenSize };

    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, "config.json"), ConfigJson.ToJsonString());
        StateDict.Save(this, Path.Combine(folder, "model.safetensors"));
    }
}
