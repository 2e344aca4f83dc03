using System.Text;
using NeuroLens.Core.TensorFiles;
using static NeuroLens.Core.Tests.TensorFiles.TensorFileTestData;
using static TorchSharp.torch;

namespace NeuroLens.Core.Tests.TensorFiles;

/// <summary>Every malformed safetensors file is a one-line TensorFileException naming the file and the culprit.</summary>
public sealed class SafetensorsMalformedTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Write(string json, int dataBytes = 0, ulong? headerLength = null)
    {
        var path = _folder.File($"bad-{Guid.NewGuid():N}.safetensors");
        var header = Encoding.UTF8.GetBytes(json);
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes(headerLength ?? (ulong)header.Length));
        stream.Write(header);
        stream.Write(new byte[dataBytes]);
        return path;
    }

    private static void Fails(string path, params string[] fragments) =>
        AssertFails(() => SafetensorsFile.Open(path).Dispose(), [path, .. fragments]);

    [Fact]
    public void FileShorterThanTheLengthFieldIsTruncated()
    {
        var path = _folder.File("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);
        Fails(path, "truncated");
    }

    [Fact]
    public void HugeHeaderLengthIsRefusedBeforeAllocating() =>
        Fails(Write("{}", headerLength: 1UL << 60), "header length 1152921504606846976", "limit");

    [Fact]
    public void HeaderLengthOverOneHundredMegabytesIsRefused() =>
        Fails(Write("{}", headerLength: 100_000_001), "header length 100000001", "limit");

    [Fact]
    public void HeaderLengthBeyondTheFileIsRefused() =>
        Fails(Write("{}", headerLength: 1000), "header length 1000", "exceeds the 2 bytes");

    [Fact]
    public void BadJsonIsRefused() => Fails(Write("{\"t\": {\"dtype\": "), "not valid JSON");

    [Fact]
    public void NonObjectHeaderIsRefused() => Fails(Write("[1, 2, 3]"), "must be a JSON object", "Array");

    [Fact]
    public void UnknownDTypeIsRefused() =>
        Fails(Write("{\"t\":{\"dtype\":\"F128\",\"shape\":[1],\"data_offsets\":[0,16]}}", 16), "'t'", "unknown dtype 'F128'");

    [Fact]
    public void NegativeShapeIsRefused() =>
        Fails(Write("{\"t\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), "'t'", "shape entry 0 (-1)");

    [Fact]
    public void FractionalShapeIsRefused() =>
        Fails(Write("{\"t\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4), "'t'", "shape entry 0 (1.5)");

    [Fact]
    public void ShapeBeyondInt64IsRefused() =>
        Fails(Write("{\"t\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,4]}}", 4), "'t'", "shape entry 0");

    [Fact]
    public void ShapeWhoseByteCountOverflowsIsRefused() =>
        Fails(Write("{\"t\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}}", 4), "'t'", "overflows");

    [Fact]
    public void OffsetsPastTheDataAreaAreRefused() =>
        Fails(Write("{\"t\":{\"dtype\":\"U8\",\"shape\":[1000],\"data_offsets\":[0,1000]}}", 8), "'t'", "run past the data area of 8 bytes");

    [Fact]
    public void NegativeOffsetsAreRefused() =>
        Fails(Write("{\"t\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[-4,-4]}}", 8), "'t'", "not non-negative integers");

    [Fact]
    public void BeginAfterEndIsRefused() =>
        Fails(Write("{\"t\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[8,4]}}", 8), "'t'", "begin 8 is after end 4");

    [Fact]
    public void OverlappingTensorsAreRefused() =>
        Fails(Write("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "'b'", "overlaps tensor 'a'");

    [Fact]
    public void WrongByteCountIsRefused() =>
        Fails(Write("{\"t\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "'t'", "hold 8 bytes", "needs 12");

    [Fact]
    public void DuplicateTensorNamesAreRefused() =>
        Fails(Write("{\"t\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
            + "\"t\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", 2), "not valid JSON", "'t'");

    [Fact]
    public void DuplicateFieldsAreRefused() =>
        Fails(Write("{\"t\":{\"dtype\":\"U8\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1), "not valid JSON", "'dtype'");

    [Fact]
    public void MissingOffsetsAreRefused() =>
        Fails(Write("{\"t\":{\"dtype\":\"U8\",\"shape\":[1]}}", 1), "'t'", "data_offsets is missing");

    [Fact]
    public void UnknownFieldIsRefused() =>
        Fails(Write("{\"t\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],\"x\":1}}", 1), "'t'", "unknown field 'x'");

    [Fact]
    public void TensorThatIsNotAnObjectIsRefused() => Fails(Write("{\"t\":[1]}"), "'t'", "expected an object");

    [Fact]
    public void NonStringMetadataIsRefused() =>
        Fails(Write("{\"__metadata__\":{\"epoch\":3}}"), "__metadata__", "'epoch'", "must be a string");

    [Fact]
    public void ControlCharactersInNamesDoNotBreakTheOneLineMessage() =>
        Fails(Write("{\"a\\nb\":{\"dtype\":\"X\",\"shape\":[],\"data_offsets\":[0,0]}}"), "'a\\u000ab'");

    [Fact]
    public void ValidEdgeCasesOpen()
    {
        // Scalars, zero-length tensors (sharing an offset) and gaps between tensors are all valid.
        var path = Write("{\"s\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[0,8]},"
            + "\"z\":{\"dtype\":\"F32\",\"shape\":[0,5],\"data_offsets\":[8,8]},"
            + "\"y\":{\"dtype\":\"BOOL\",\"shape\":[0],\"data_offsets\":[8,8]},"
            + "\"g\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[12,14]}}", 16);
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(4, file.Entries.Count);
        using var s = file.ReadTensor("s");
        Assert.Equal(0.0, s.item<double>());
    }

    [Fact]
    public void RandomCorruptionsOnlyEverRaiseTensorFileException()
    {
        var valid = _folder.File("valid.safetensors");
        using (var a = arange(12, ScalarType.Float32).reshape(3, 4))
        using (var b = ones(new long[] { 5 }, ScalarType.Int64))
            SafetensorsWriter.Write(valid, [("a", a), ("b", b)], new Dictionary<string, string> { ["k"] = "v" });
        var original = File.ReadAllBytes(valid);
        TensorFileTestData.FuzzReads(original, _folder.File("fuzz.safetensors"), seed: 7, mutableBytes: 8 + 200, SafetensorsFile.Open);
    }
}
