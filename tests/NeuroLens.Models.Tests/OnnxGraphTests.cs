using NeuroLens.Core;
using NeuroLens.Models.BuiltIn;
using NeuroLens.Models.Onnx;

namespace NeuroLens.Models.Tests;

public sealed class OnnxGraphTests
{
    private static readonly Lazy<byte[]> MiniLM = new(() => BuiltInModel.MiniLM.ReadOnnx());

    [Fact]
    public void ReadsTheMiniLMGraphAndNamesEveryLinearWeight()
    {
        var graph = OnnxGraph.Parse(MiniLM.Value, "minilm");
        Assert.Equal(48, graph.Nodes.Count(n => n.OpType == "MatMul")); // 36 with weights, 12 attention products
        var config = OnnxBertImporter.InferConfig(graph, "minilm", 12, 1e-12);
        Assert.Equal((30522, 384, 6, 1536, 512, 2), (config.VocabSize, config.HiddenSize, config.NumHiddenLayers,
            config.IntermediateSize, config.MaxPositionEmbeddings, config.TypeVocabSize));
        var state = OnnxBertImporter.StateDict(graph, "minilm");
        try
        {
            var byName = state.ToDictionary(s => s.Name, s => s.Tensor);
            Assert.Equal(6 * 16 + 5 + 2, byName.Count);
            // The query weight is the transpose of the MatMul initializer that feeds the query bias's Add.
            var matmul = graph.Nodes.First(n => n.OpType == "MatMul" && graph.Initializers.ContainsKey(n.Inputs[1]));
            var init = graph.Initializers[matmul.Inputs[1]];
            var query = byName["encoder.layer.0.attention.self.query.weight"];
            Assert.Equal(new long[] { 384, 384 }, query.shape);
            Assert.Equal(init.Data[1 * 384 + 0], query[0, 1].item<float>()); // W[out=0, in=1] = stored[in=1, out=0]
            Assert.Equal(new long[] { 384, 1536 }, byName["encoder.layer.5.output.dense.weight"].shape);
        }
        finally
        {
            foreach (var (_, t) in state) t.Dispose();
        }
    }

    [Theory]
    [InlineData(100)]
    [InlineData(4096)]
    [InlineData(1_000_003)]
    public void ATruncatedModelFailsWithOneLine(int length)
    {
        var bytes = MiniLM.Value.AsSpan(0, length).ToArray();
        var e = Assert.Throws<NeuroLensException>(() => OnnxGraph.Parse(bytes, "cut.onnx"));
        Assert.StartsWith("cut.onnx: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void GarbageFailsWithOneLine()
    {
        var bytes = new byte[64];
        new Random(1).NextBytes(bytes);
        bytes[0] = 0x3a; // field 7, length-delimited: a graph whose length runs past the end
        bytes[1] = 0xff;
        bytes[2] = 0x7f;
        var e = Assert.Throws<NeuroLensException>(() => OnnxGraph.Parse(bytes, "junk.onnx"));
        Assert.Contains("not a valid ONNX model", e.Message);
    }
}
