using System.Buffers.Binary;
using System.Text;
using NeuroLens.Core;

namespace NeuroLens.Models.Onnx;

/// <summary>One node of an ONNX graph: its operator and the names of its input and output values.</summary>
/// <param name="OpType">The operator, e.g. <c>MatMul</c>, <c>Add</c>, <c>Gemm</c>.</param>
/// <param name="Name">The node's own name (may be empty).</param>
/// <param name="Inputs">Names of the values it reads (initializers or other nodes' outputs), in order.</param>
/// <param name="Outputs">Names of the values it produces.</param>
/// <param name="IntAttributes">Its integer attributes (e.g. Gemm's <c>transB</c>); other attributes are not read.</param>
public sealed record OnnxNode(string OpType, string Name, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
    IReadOnlyDictionary<string, long> IntAttributes);

/// <summary>A constant tensor of an ONNX graph (an initializer), decoded to 32-bit floats.</summary>
/// <param name="Name">The initializer's name.</param>
/// <param name="Shape">Its dimensions in C order.</param>
/// <param name="Data">Its elements in C order; integer initializers are converted to float.</param>
/// <param name="IsFloat">Whether the stored type was FLOAT (the only type weights may have).</param>
public sealed record OnnxInitializer(string Name, long[] Shape, float[] Data, bool IsFloat);

/// <summary>
/// The parts of an ONNX model that weight import needs: the graph's nodes and its initializers. Read
/// with a small protobuf decoder written for exactly these messages (<c>ModelProto.graph</c> = 7;
/// <c>GraphProto.node</c> = 1, <c>initializer</c> = 5; <c>NodeProto.input</c> = 1, <c>output</c> = 2,
/// <c>name</c> = 3, <c>op_type</c> = 4; <c>TensorProto.dims</c> = 1, <c>data_type</c> = 2,
/// <c>float_data</c> = 4, <c>int32_data</c> = 5, <c>int64_data</c> = 7, <c>name</c> = 8,
/// <c>raw_data</c> = 9, <c>data_location</c> = 14, per onnx.proto). Every other field is skipped by its
/// wire type. Five messages and a dozen fields did not justify a generated-code dependency; every
/// length is checked against the buffer, so a malformed file fails with one line instead of reading
/// out of bounds. External data (weights in side files) is refused.
/// </summary>
public sealed class OnnxGraph
{
    private OnnxGraph(List<OnnxNode> nodes, List<OnnxInitializer> initializers)
    {
        Nodes = nodes;
        Initializers = initializers.ToDictionary(i => i.Name, StringComparer.Ordinal);
    }

    /// <summary>The graph's nodes in file order (ONNX requires topological order).</summary>
    public IReadOnlyList<OnnxNode> Nodes { get; }

    /// <summary>The initializers by name.</summary>
    public IReadOnlyDictionary<string, OnnxInitializer> Initializers { get; }

    /// <summary>Parses a whole ONNX model held in memory; <paramref name="source"/> names it in errors.</summary>
    public static OnnxGraph Parse(ReadOnlySpan<byte> model, string source)
    {
        var reader = new Reader(model, source);
        OnnxGraph? graph = null;
        while (!reader.End)
        {
            var (field, wire) = reader.Tag();
            if (field == 7 && wire == 2) graph = ParseGraph(reader.Sub(), source);
            else reader.Skip(wire);
        }
        return graph ?? throw new NeuroLensException($"{source}: the ONNX model has no graph");
    }

    private static OnnxGraph ParseGraph(Reader r, string source)
    {
        var nodes = new List<OnnxNode>();
        var initializers = new List<OnnxInitializer>();
        while (!r.End)
        {
            var (field, wire) = r.Tag();
            if (field == 1 && wire == 2) nodes.Add(ParseNode(r.Sub()));
            else if (field == 5 && wire == 2) initializers.Add(ParseTensor(r.Sub(), source));
            else r.Skip(wire);
        }
        return new OnnxGraph(nodes, initializers);
    }

    private static OnnxNode ParseNode(Reader r)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new Dictionary<string, long>(StringComparer.Ordinal);
        string name = "", op = "";
        while (!r.End)
        {
            var (field, wire) = r.Tag();
            switch (field, wire)
            {
                case (1, 2): inputs.Add(r.String()); break;
                case (2, 2): outputs.Add(r.String()); break;
                case (3, 2): name = r.String(); break;
                case (4, 2): op = r.String(); break;
                case (5, 2): ParseIntAttribute(r.Sub(), attributes); break;
                default: r.Skip(wire); break;
            }
        }
        return new OnnxNode(op, name, inputs, outputs, attributes);
    }

    // AttributeProto: name = 1, i = 3 (int64), type = 20 (INT = 2).
    private static void ParseIntAttribute(Reader r, Dictionary<string, long> attributes)
    {
        string name = "";
        long? value = null;
        while (!r.End)
        {
            var (field, wire) = r.Tag();
            switch (field, wire)
            {
                case (1, 2): name = r.String(); break;
                case (3, 0): value = (long)r.Varint(); break;
                default: r.Skip(wire); break;
            }
        }
        if (value is not null) attributes[name] = value.Value;
    }

    // TensorProto.DataType values used here (onnx.proto).
    private const int Float = 1, Int32 = 6, Int64 = 7;

    private static OnnxInitializer ParseTensor(Reader r, string source)
    {
        var dims = new List<long>();
        int dataType = 0;
        string name = "";
        byte[]? raw = null;
        var floats = new List<float>();
        var ints = new List<long>();
        bool external = false;
        while (!r.End)
        {
            var (field, wire) = r.Tag();
            switch (field, wire)
            {
                case (1, 0): dims.Add((long)r.Varint()); break;
                case (1, 2): { var p = r.Sub(); while (!p.End) dims.Add((long)p.Varint()); break; }
                case (2, 0): dataType = (int)r.Varint(); break;
                case (4, 5): floats.Add(r.Fixed32Float()); break;
                case (4, 2): { var p = r.Sub(); while (!p.End) floats.Add(p.Fixed32Float()); break; }
                case (5, 0) or (7, 0): ints.Add((long)r.Varint()); break;
                case (5, 2) or (7, 2): { var p = r.Sub(); while (!p.End) ints.Add((long)p.Varint()); break; }
                case (8, 2): name = r.String(); break;
                case (9, 2): raw = r.Bytes().ToArray(); break;
                case (14, 0): external = r.Varint() == 1; break;
                default: r.Skip(wire); break;
            }
        }
        if (external)
            throw new NeuroLensException($"{source}: initializer '{name}' keeps its data in an external file, which is not supported");
        long count = 1;
        foreach (var d in dims)
        {
            if (d < 0) throw new NeuroLensException($"{source}: initializer '{name}' has a negative dimension");
            count = checked(count * d);
        }
        float[] data = dataType switch
        {
            Float when raw is not null => FromRaw(raw, 4, count, name, source, (s, i) => BinaryPrimitives.ReadSingleLittleEndian(s[(i * 4)..])),
            Float => Check(floats.ToArray(), count, name, source),
            Int64 when raw is not null => FromRaw(raw, 8, count, name, source, (s, i) => BinaryPrimitives.ReadInt64LittleEndian(s[(i * 8)..])),
            Int32 when raw is not null => FromRaw(raw, 4, count, name, source, (s, i) => BinaryPrimitives.ReadInt32LittleEndian(s[(i * 4)..])),
            Int64 or Int32 => Check(ints.Select(v => (float)v).ToArray(), count, name, source),
            // Other types (booleans, strings, halves in constants) are never weights: keep them empty.
            _ => [],
        };
        return new OnnxInitializer(name, dims.ToArray(), data, dataType == Float);
    }

    private delegate float ElementReader(ReadOnlySpan<byte> bytes, int index);

    private static float[] FromRaw(byte[] raw, int size, long count, string name, string source, ElementReader read)
    {
        if (raw.LongLength != checked(count * size))
            throw new NeuroLensException($"{source}: initializer '{name}' holds {raw.Length} bytes, its shape needs {count * size}");
        var data = new float[count];
        for (int i = 0; i < data.Length; i++) data[i] = read(raw, i);
        return data;
    }

    private static float[] Check(float[] data, long count, string name, string source) =>
        data.LongLength == count ? data
        : throw new NeuroLensException($"{source}: initializer '{name}' holds {data.Length} values, its shape needs {count}");

    /// <summary>A bounds-checked protobuf wire-format reader over a span.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data, string source)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private readonly string _source = source;
        private int _pos;

        public readonly bool End => _pos >= _data.Length;

        public (int Field, int Wire) Tag()
        {
            ulong tag = Varint();
            if (tag >> 3 is 0 or > int.MaxValue) throw Malformed("invalid field number");
            return ((int)(tag >> 3), (int)(tag & 7));
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                if (_pos >= _data.Length) throw Malformed("truncated varint");
                byte b = _data[_pos++];
                value |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80) return value;
            }
            throw Malformed("varint longer than 10 bytes");
        }

        public float Fixed32Float()
        {
            var span = Take(4);
            return BinaryPrimitives.ReadSingleLittleEndian(span);
        }

        public ReadOnlySpan<byte> Bytes()
        {
            ulong length = Varint();
            if (length > (ulong)(_data.Length - _pos)) throw Malformed("length past the end of its message");
            return Take((int)length);
        }

        public string String() => Encoding.UTF8.GetString(Bytes());

        public Reader Sub() => new(Bytes(), _source);

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: Take(8); break;
                case 2: Bytes(); break;
                case 5: Take(4); break;
                default: throw Malformed($"unsupported wire type {wire}");
            }
        }

        private ReadOnlySpan<byte> Take(int n)
        {
            if (n > _data.Length - _pos) throw Malformed("truncated field");
            var span = _data.Slice(_pos, n);
            _pos += n;
            return span;
        }

        private readonly NeuroLensException Malformed(string what) =>
            new($"{_source}: not a valid ONNX model ({what} at byte {_pos} of a {_data.Length}-byte message)");
    }
}
