using Microsoft.ML.OnnxRuntime;
using NeuroLens.Models.Bert;
using NeuroLens.Models.BuiltIn;
using NeuroLens.Models.Tokenizers;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NeuroLens.Models.Tests;

/// <summary>
/// Acceptance of the Models issue for the built-in models: NeuroLens's BERT, with weights imported from
/// the package's ONNX graph, computes the same last_hidden_state as ONNX Runtime running that graph.
/// </summary>
[Collection(BuiltInModelsCollection.Name)]
public sealed class OnnxParityTests(BuiltInModelsFixture models, ITestOutputHelper output)
{
    // Different lengths, so every batch is padded; punctuation, casing, a rare word split into pieces.
    private static readonly string[] Sentences =
    [
        "The quick brown fox jumps over the lazy dog.",
        "Neurons!",
        "Wasserstein distances measure how entangled a neuron's output distribution is, compared with a Gaussian.",
        "A cat sat on the mat",
        "Synaptogenesis in Drosophila is studied with electron microscopy.",
    ];

    [Theory]
    [InlineData("minilm")]
    [InlineData("arctic-xs")]
    public void LastHiddenStateMatchesOnnxRuntime(string id)
    {
        var builtIn = BuiltInModel.Find(id)!;
        using var encoder = SentenceEncoder.Open(id, models.CacheRoot);
        using var batch = encoder.Tokenizer.EncodeBatch(Sentences);
        Assert.Contains(0L, batch.AttentionMask.data<long>().ToArray()); // the batch really is padded

        using var ours = encoder.Encode(batch);
        float[] reference = RunOnnx(builtIn.ReadOnnx(), batch, out long[] shape);
        Assert.Equal(ours.shape, shape);

        using var theirs = tensor(reference, shape);
        double maxAbs = (ours - theirs).abs().max().item<float>();
        output.WriteLine($"{id}: max |NeuroLens - ONNX Runtime| over last_hidden_state {string.Join("x", shape)} = {maxAbs:E3}");
        Assert.True(maxAbs <= 1e-4, $"{id}: max abs difference {maxAbs:E3} exceeds 1e-4");
    }

    [Fact]
    public void MiniLMPoolerMatchesOnnxRuntime()
    {
        using var encoder = SentenceEncoder.Open("minilm", models.CacheRoot);
        Assert.True(encoder.Model.HasPooler);
        using var batch = encoder.Tokenizer.EncodeBatch(Sentences);
        using var hidden = encoder.Encode(batch);
        using var pooled = encoder.Model.Pool(hidden);
        // The graph's second output is the pooler's tanh(Gemm(h_[CLS])).
        float[] reference = RunOnnx(BuiltInModel.MiniLM.ReadOnnx(), batch, out long[] shape, output: 1);
        Assert.Equal(pooled.shape, shape);
        using var theirs = tensor(reference, shape);
        double maxAbs = (pooled - theirs).abs().max().item<float>();
        output.WriteLine($"minilm pooler: max abs difference {maxAbs:E3}");
        Assert.True(maxAbs <= 1e-4, $"max abs difference {maxAbs:E3}");
    }

    internal static float[] RunOnnx(byte[] model, TokenBatch batch, out long[] shape, int output = 0)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 2 };
        using var session = new InferenceSession(model, options);
        long[] dims = batch.InputIds.shape;
        using var ids = OrtValue.CreateTensorValueFromMemory(batch.InputIds.data<long>().ToArray(), dims);
        using var mask = OrtValue.CreateTensorValueFromMemory(batch.AttentionMask.data<long>().ToArray(), dims);
        using var types = OrtValue.CreateTensorValueFromMemory(batch.TokenTypeIds.data<long>().ToArray(), dims);
        var inputs = new Dictionary<string, OrtValue> { ["input_ids"] = ids, ["attention_mask"] = mask, ["token_type_ids"] = types };
        using var runOptions = new RunOptions();
        string name = output == 0 ? "last_hidden_state" : session.OutputNames[output];
        using var results = session.Run(runOptions, inputs, [name]);
        shape = results[0].GetTensorTypeAndShape().Shape;
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
