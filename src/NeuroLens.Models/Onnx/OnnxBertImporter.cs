using NeuroLens.Core;
using NeuroLens.Models.Bert;
using static TorchSharp.torch;

namespace NeuroLens.Models.Onnx;

/// <summary>
/// Recovers a BERT encoder's Hugging Face state dictionary from an ONNX export (as torch.onnx writes
/// BertModel). LayerNorm, bias and embedding initializers keep their Hugging Face names there, but
/// the linear layers' weights are anonymous initializers (numeric names such as <c>927</c> or
/// <c>onnx::MatMul_788</c>) stored as [in, out], the transpose of <c>Linear.weight</c>. The graph
/// names them: each weight-bearing <c>MatMul</c> feeds an <c>Add</c> whose other input is the named
/// bias (e.g. <c>encoder.layer.0.attention.self.query.bias</c>), so the weight is
/// <c>….query.weight</c> = the initializer transposed. The pooler is a <c>Gemm</c> whose weight is
/// named already (transposed unless <c>transB</c> = 1).
/// </summary>
public static class OnnxBertImporter
{
    /// <summary>
    /// The state dictionary of the graph's BERT encoder, by Hugging Face names, as new F32 CPU tensors
    /// (the caller disposes them). Initializers that are not parameters (<c>embeddings.position_ids</c>,
    /// constants) are left out.
    /// </summary>
    /// <exception cref="NeuroLensException">A weight-bearing MatMul cannot be named from the graph.</exception>
    public static List<(string Name, Tensor Tensor)> StateDict(OnnxGraph graph, string source)
    {
        var consumers = new Dictionary<string, List<OnnxNode>>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
            foreach (var input in node.Inputs)
                (consumers.TryGetValue(input, out var list) ? list : consumers[input] = []).Add(node);

        var result = new List<(string, Tensor)>();
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            if (node.OpType == "MatMul" && node.Inputs.Count == 2 && Weight(graph, node.Inputs[1]) is { } w)
            {
                var bias = consumers.GetValueOrDefault(node.Outputs[0], [])
                    .Where(n => n.OpType == "Add")
                    .SelectMany(n => n.Inputs)
                    .FirstOrDefault(i => i.EndsWith(".bias", StringComparison.Ordinal) && graph.Initializers.ContainsKey(i))
                    ?? throw new NeuroLensException(
                        $"{source}: MatMul weight '{w.Name}' feeds no Add with a named bias; cannot tell which layer it belongs to");
                string name = bias[..^".bias".Length] + ".weight";
                if (!named.Add(name)) throw new NeuroLensException($"{source}: two MatMul weights map to '{name}'");
                using var stored = ToTensor(w);
                using var transposed = stored.t();
                result.Add((name, transposed.contiguous()));     // [in, out] -> Linear.weight [out, in]
            }
            else if (node.OpType == "Gemm" && node.Inputs.Count >= 2 && Weight(graph, node.Inputs[1]) is { } g)
            {
                bool transposed = node.IntAttributes.GetValueOrDefault("transB") == 1;
                string name = g.Name.EndsWith(".weight", StringComparison.Ordinal) ? g.Name
                    : node.Inputs.Count > 2 && node.Inputs[2].EndsWith(".bias", StringComparison.Ordinal) ? node.Inputs[2][..^5] + ".weight"
                    : throw new NeuroLensException($"{source}: Gemm weight '{g.Name}' has no layer name");
                if (!named.Add(name)) throw new NeuroLensException($"{source}: two Gemm weights map to '{name}'");
                using var t = ToTensor(g);
                using var view = transposed ? t.alias() : t.t();
                result.Add((name, view.contiguous().clone()));
            }
        }
        foreach (var init in graph.Initializers.Values)
        {
            bool hfName = init.Name.StartsWith("embeddings.", StringComparison.Ordinal)
                || init.Name.StartsWith("encoder.", StringComparison.Ordinal) || init.Name.StartsWith("pooler.", StringComparison.Ordinal);
            if (hfName && init.IsFloat && !named.Contains(init.Name))
            {
                result.Add((init.Name, ToTensor(init)));
                named.Add(init.Name);
            }
        }
        return result;
    }

    /// <summary>
    /// The configuration implied by the initializers' shapes: vocabulary, width, depth, FFN width,
    /// positions and token types. The head count and LayerNorm epsilon live in graph constants, so the
    /// caller gives them; the activation must be GELU (an <c>Erf</c> node per block).
    /// </summary>
    public static BertConfig InferConfig(OnnxGraph graph, string source, int numAttentionHeads, double layerNormEps)
    {
        long[] Shape(string name) => graph.Initializers.TryGetValue(name, out var i) ? i.Shape
            : throw new NeuroLensException($"{source}: initializer '{name}' not found; is this a BERT export?");
        var words = Shape("embeddings.word_embeddings.weight");
        int layers = graph.Initializers.Keys
            .Select(n => n.StartsWith("encoder.layer.", StringComparison.Ordinal) ? n.Split('.')[2] : null)
            .Where(n => n is not null).Distinct().Count();
        int erf = graph.Nodes.Count(n => n.OpType == "Erf");
        if (erf != layers)
            throw new NeuroLensException($"{source}: expected one Erf (exact GELU) per block, found {erf} for {layers} blocks");
        var config = new BertConfig(
            VocabSize: (int)words[0],
            HiddenSize: (int)words[1],
            NumHiddenLayers: layers,
            NumAttentionHeads: numAttentionHeads,
            IntermediateSize: (int)Shape("encoder.layer.0.intermediate.dense.bias")[0],
            MaxPositionEmbeddings: (int)Shape("embeddings.position_embeddings.weight")[0],
            TypeVocabSize: (int)Shape("embeddings.token_type_embeddings.weight")[0],
            LayerNormEps: layerNormEps,
            HiddenAct: "gelu");
        config.Validate(source);
        return config;
    }

    private static OnnxInitializer? Weight(OnnxGraph graph, string name) =>
        graph.Initializers.TryGetValue(name, out var init) && init.IsFloat && init.Shape.Length == 2 ? init : null;

    private static Tensor ToTensor(OnnxInitializer init) => tensor(init.Data, init.Shape, float32);
}
