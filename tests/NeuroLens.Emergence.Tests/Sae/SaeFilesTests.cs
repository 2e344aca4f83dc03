using System.Text.Json.Nodes;
using NeuroLens.Core;
using NeuroLens.Core.TensorFiles;
using NeuroLens.Emergence.Sae;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Tests.Sae;

public sealed class SaeFilesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nl-sae-files").FullName;

    public SaeFilesTests() => TorchThreads.UseOne();

    public void Dispose() => Directory.Delete(_folder, true);

    private static SparseAutoencoder RandomSae(SaeArchitecture architecture, double scale)
    {
        var g = new Generator(5);
        var sae = new SparseAutoencoder(architecture, 3, randn([6, 10], generator: g), randn([10], generator: g).mul(0.1),
            randn([10, 6], generator: g), randn([6], generator: g),
            architecture == SaeArchitecture.BatchTopK ? rand([10], generator: g) : null, scale);
        return sae;
    }

    [Theory]
    [InlineData(SaeArchitecture.TopK)]
    [InlineData(SaeArchitecture.BatchTopK)]
    [InlineData(SaeArchitecture.Relu)]
    public void WrittenSaeIsReadBackIdentically(SaeArchitecture architecture)
    {
        using var sae = RandomSae(architecture, 2.75);
        var folder = Path.Combine(_folder, architecture.ToString());
        SaeFiles.Write(folder, sae, new SaeMetadata("tiny-neox", "resid_post.2", 2));
        var (read, metadata) = SaeFiles.Read(folder);
        using var _ = read;
        Assert.Equal(new SaeMetadata("tiny-neox", "resid_post.2", 2), metadata);
        Assert.Equal(sae.Architecture, read.Architecture);
        Assert.Equal(sae.K, read.K);
        Assert.Equal(sae.InputScale, read.InputScale);
        foreach (var (a, b) in sae.Parameters.Zip(read.Parameters))
            Assert.True(a.detach().allclose(b.detach(), rtol: 1e-6, atol: 1e-7));
        using var x = randn([20, 6], generator: new Generator(6)).mul(3);
        using var codesA = sae.Encode(x);
        using var codesB = read.Encode(x);
        Assert.True(codesA.allclose(codesB, rtol: 1e-5, atol: 1e-6));
        using var xHatA = sae.Reconstruct(x);
        using var xHatB = read.Reconstruct(x);
        Assert.True(xHatA.allclose(xHatB, rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void WrittenFilesFollowTheSaeLensLayoutWithTheScaleFolded()
    {
        using var sae = RandomSae(SaeArchitecture.TopK, 2.0);
        SaeFiles.Write(_folder, sae);
        var cfg = JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, "cfg.json")))!.AsObject();
        Assert.Equal(6, cfg["d_in"]!.GetValue<int>());
        Assert.Equal(10, cfg["d_sae"]!.GetValue<int>());
        Assert.Equal("topk", cfg["architecture"]!.GetValue<string>());
        Assert.Equal(3, cfg["k"]!.GetValue<int>());
        using var file = TensorFile.Open(Path.Combine(_folder, "sae_weights.safetensors"));
        Assert.Equal(new long[] { 6, 10 }, file.GetEntry("W_enc").Shape);
        Assert.Equal(new long[] { 10, 6 }, file.GetEntry("W_dec").Shape);
        // A plain SAELens forward on raw inputs with the file's tensors gives the SAE's reconstruction.
        using var wEnc = file.ReadTensor("W_enc");
        using var wDec = file.ReadTensor("W_dec");
        using var bEnc = file.ReadTensor("b_enc");
        using var bDec = file.ReadTensor("b_dec");
        using var x = randn([8, 6], generator: new Generator(1));
        using var pre = x.sub(bDec).matmul(wEnc).add(bEnc);
        var (values, indices) = pre.topk(3, dim: 1);
        using var codes = zeros_like(pre).scatter(1, indices, nn.functional.relu(values));
        using var expected = codes.matmul(wDec).add(bDec);
        using var actual = sae.Reconstruct(x);
        Assert.True(expected.allclose(actual, rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void SaeLensFolderBuiltFromItsDocumentedShapesLoadsInTheRightOrientation()
    {
        var g = new Generator(2);
        using var wEnc = randn([6, 10], generator: g); // [d_in, d_sae]
        using var wDec = randn([10, 6], generator: g); // [d_sae, d_in]
        using var bEnc = randn([10], generator: g);
        using var bDec = randn([6], generator: g);
        TensorFile.Write(Path.Combine(_folder, "sae_weights.safetensors"), [("W_enc", wEnc), ("W_dec", wDec), ("b_enc", bEnc), ("b_dec", bDec)]);
        File.WriteAllText(Path.Combine(_folder, "cfg.json"),
            """{"architecture": "standard", "d_in": 6, "d_sae": 10, "hook_name": "blocks.2.hook_resid_post", "hook_layer": 2, "model_name": "pythia-70m-deduped", "activation_fn_str": "relu", "normalize_activations": "none"}""");
        var (sae, metadata) = SaeFiles.Read(_folder);
        using var _ = sae;
        Assert.Equal(SaeArchitecture.Relu, sae.Architecture);
        Assert.Equal("blocks.2.hook_resid_post", metadata.HookName);
        using var x = randn([8, 6], generator: g);
        using var expected = nn.functional.relu(x.sub(bDec).matmul(wEnc).add(bEnc)).matmul(wDec).add(bDec);
        using var actual = sae.Reconstruct(x);
        Assert.True(expected.allclose(actual, rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void SparsifyFolderBuiltFromItsDocumentedShapesLoadsInTheRightOrientation()
    {
        var g = new Generator(3);
        using var encoder = randn([10, 6], generator: g); // encoder.weight [d_sae, d_in] (nn.Linear)
        using var bias = randn([10], generator: g);
        using var wDec = randn([10, 6], generator: g);
        using var bDec = randn([6], generator: g);
        TensorFile.Write(Path.Combine(_folder, "sae.safetensors"), [("encoder.weight", encoder), ("encoder.bias", bias), ("W_dec", wDec), ("b_dec", bDec)]);
        File.WriteAllText(Path.Combine(_folder, "cfg.json"), """{"expansion_factor": 32, "normalize_decoder": true, "num_latents": 10, "k": 3, "multi_topk": false, "d_in": 6}""");
        var (sae, _) = SaeFiles.Read(_folder);
        using var __ = sae;
        Assert.Equal(SaeArchitecture.TopK, sae.Architecture);
        using var x = randn([8, 6], generator: g);
        // sparsify: pre = relu(encoder(x − b_dec)); keep the top k; x̂ = f W_dec + b_dec.
        using var pre = nn.functional.relu(nn.functional.linear(x.sub(bDec), encoder, bias));
        var (values, indices) = pre.topk(3, dim: 1);
        using var codes = zeros_like(pre).scatter(1, indices, values);
        using var expected = codes.matmul(wDec).add(bDec);
        using var actual = sae.Reconstruct(x);
        Assert.True(expected.allclose(actual, rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void MisshapenWeightsAreRefusedWithTheFileNamed()
    {
        using var wEnc = zeros([6, 10]);
        using var wDec = zeros([6, 10]); // transposed: wrong
        using var bEnc = zeros([10]);
        using var bDec = zeros([6]);
        TensorFile.Write(Path.Combine(_folder, "sae_weights.safetensors"), [("W_enc", wEnc), ("W_dec", wDec), ("b_enc", bEnc), ("b_dec", bDec)]);
        File.WriteAllText(Path.Combine(_folder, "cfg.json"), """{"architecture": "standard"}""");
        var e = Assert.Throws<NeuroLensException>(() => SaeFiles.Read(_folder));
        Assert.Contains("W_dec", e.Message);
        Assert.Contains("sae_weights.safetensors", e.Message);
        File.WriteAllText(Path.Combine(_folder, "cfg.json"), "{not json");
        Assert.Throws<NeuroLensException>(() => SaeFiles.Read(_folder));
    }
}
