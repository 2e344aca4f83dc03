using System.Text.Json.Nodes;
using NeuroLens.Core;
using NeuroLens.Core.TensorFiles;
using NeuroLens.Models.Bert;
using NeuroLens.Models.Capture;
using static TorchSharp.torch;

namespace NeuroLens.Models.Tests.Capture;

/// <summary>A capture folder with a missing, malformed or inconsistent index or shard fails with one clear line.</summary>
public sealed class CaptureFolderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Write()
    {
        var folder = _folder.File("capture");
        using var bert = new BertModel(ActivationCaptureTests.Config);
        using var set = ActivationCapture.Run(bert, ActivationCaptureTests.Batches(2), new CaptureOptions
        {
            Sites = ["resid_post.0", "encoder.layer.1.intermediate.dense"], Folder = folder, MemoryBudgetBytes = 1000,
        });
        Assert.True(set.ShardCount > 1);
        return folder;
    }

    private static NeuroLensException Fails(string folder)
    {
        var e = Assert.Throws<NeuroLensException>(() => CaptureSet.Open(folder).Dispose());
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    private static void EditIndex(string folder, Action<JsonObject> edit)
    {
        var path = Path.Combine(folder, CaptureIndex.FileName);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    [Fact]
    public void TheIndexDescribesSitesShapesAndShards()
    {
        var folder = Write();
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, CaptureIndex.FileName)))!.AsObject();
        Assert.Equal("F32", (string?)json["dtype"]);
        Assert.Equal(18, (long)json["rows"]!);
        Assert.Equal(18, json["shards"]!.AsArray().Sum(s => (long)s!["rows"]!));
        var site = json["sites"]![1]!;
        Assert.Equal("encoder.layer.1.intermediate.dense:output", (string?)site["name"]);
        Assert.Equal("linear_output", (string?)site["kind"]);
        Assert.Equal([18L, 12L], site["shape"]!.AsArray().Select(v => (long)v!));
        // Each shard is a plain safetensors file any reader opens.
        using var shard = TensorFile.Open(Path.Combine(folder, (string)json["shards"]![0]!["file"]!));
        Assert.Equal([(long)json["shards"]![0]!["rows"]!, 8L], shard.GetEntry("resid_post.0").Shape);
    }

    [Fact]
    public void AMissingIndexFails()
    {
        var folder = Write();
        File.Delete(Path.Combine(folder, CaptureIndex.FileName));
        Assert.Contains("capture.json: missing", Fails(folder).Message);
        Assert.Contains("no such capture folder", Fails(_folder.File("nowhere")).Message);
    }

    [Fact]
    public void MalformedIndexesFail()
    {
        var folder = Write();
        var path = Path.Combine(folder, CaptureIndex.FileName);
        var original = File.ReadAllText(path);
        File.WriteAllText(path, original[..(original.Length / 2)]);
        Assert.Contains("not valid JSON", Fails(folder).Message);

        void Case(Action<JsonObject> edit, string message)
        {
            File.WriteAllText(path, original);
            EditIndex(folder, edit);
            Assert.Contains(message, Fails(folder).Message);
        }
        Case(j => j["dtype"] = "F16", "'dtype' must be 'F32'");
        Case(j => j["format"] = "something", "'format'");
        Case(j => j.Remove("sites"), "'sites'");
        Case(j => j["sites"]![0]!["width"] = -3, "sites[0].'width'");
        Case(j => j["sites"]![0]!["kind"] = "attention", "sites[0].kind");
        Case(j => j["shards"]![0]!["file"] = "../elsewhere.safetensors", "must be a file name inside the folder");
        Case(j => j["shards"]![0]!["rows"] = 1.5, "shards[0].'rows'");
        Case(j => j["rows"] = 999, "'rows' is 999");
        Case(j =>
        {
            j["shards"]![0]!["rows"] = (long)j["shards"]![0]!["rows"]! + 1;
            j["rows"] = (long)j["rows"]! + 1;
        }, "the index expects F32");
        Case(j => j["sites"]![0]!["width"] = 9, "tensor 'resid_post.0'");
        Case(j => j["sites"]![0]!["name"] = "resid_post.5", "no tensor 'resid_post.5'");
    }

    [Fact]
    public void AMissingOrTruncatedShardFails()
    {
        var folder = Write();
        var shard = Path.Combine(folder, "shard-00001.safetensors");
        var bytes = File.ReadAllBytes(shard);
        File.Delete(shard);
        Assert.Contains("shard-00001.safetensors: capture shard missing", Fails(folder).Message);
        File.WriteAllBytes(shard, bytes[..(bytes.Length - 16)]);
        Assert.Contains("shard-00001.safetensors", Fails(folder).Message);
    }
}
