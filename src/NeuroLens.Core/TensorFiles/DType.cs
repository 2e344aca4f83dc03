namespace NeuroLens.Core.TensorFiles;

/// <summary>
/// The element types that NeuroLens reads and writes in tensor files. Every type is stored
/// little-endian; <see cref="DTypeExtensions"/> gives its size and its names in safetensors, NumPy and
/// TorchSharp. The unsigned types wider than a byte (<see cref="U16"/>, <see cref="U32"/>,
/// <see cref="U64"/>) have no TorchSharp tensor type and are handled as bytes only.
/// </summary>
public enum DType
{
    /// <summary>IEEE 754 binary64 (safetensors <c>F64</c>, NumPy <c>&lt;f8</c>, torch.float64).</summary>
    F64,

    /// <summary>IEEE 754 binary32 (safetensors <c>F32</c>, NumPy <c>&lt;f4</c>, torch.float32).</summary>
    F32,

    /// <summary>IEEE 754 binary16 (safetensors <c>F16</c>, NumPy <c>&lt;f2</c>, torch.float16).</summary>
    F16,

    /// <summary>
    /// bfloat16: the upper 16 bits of a binary32 (safetensors <c>BF16</c>, torch.bfloat16). NumPy has no
    /// such dtype, so BF16 tensors cannot be written to .npy or .npz.
    /// </summary>
    BF16,

    /// <summary>Signed 64-bit integer (safetensors <c>I64</c>, NumPy <c>&lt;i8</c>, torch.int64).</summary>
    I64,

    /// <summary>Signed 32-bit integer (safetensors <c>I32</c>, NumPy <c>&lt;i4</c>, torch.int32).</summary>
    I32,

    /// <summary>Signed 16-bit integer (safetensors <c>I16</c>, NumPy <c>&lt;i2</c>, torch.int16).</summary>
    I16,

    /// <summary>Signed 8-bit integer (safetensors <c>I8</c>, NumPy <c>|i1</c>, torch.int8).</summary>
    I8,

    /// <summary>Unsigned 8-bit integer (safetensors <c>U8</c>, NumPy <c>|u1</c>, torch.uint8).</summary>
    U8,

    /// <summary>Boolean, one byte per element, 0 or 1 (safetensors <c>BOOL</c>, NumPy <c>|b1</c>, torch.bool).</summary>
    Bool,

    /// <summary>
    /// Unsigned 16-bit integer (safetensors <c>U16</c>, NumPy <c>&lt;u2</c>). TorchSharp has no such
    /// tensor type: read it with <see cref="ITensorSource.ReadBytes"/> or <see cref="ITensorSource.CopyTo"/>;
    /// <see cref="ITensorSource.ReadTensor"/> refuses it. Conversion between files keeps it bit for bit.
    /// </summary>
    U16,

    /// <summary>Unsigned 32-bit integer (safetensors <c>U32</c>, NumPy <c>&lt;u4</c>); bytes only, as <see cref="U16"/>.</summary>
    U32,

    /// <summary>Unsigned 64-bit integer (safetensors <c>U64</c>, NumPy <c>&lt;u8</c>); bytes only, as <see cref="U16"/>.</summary>
    U64,
}
