namespace NeuroLens.Core.TensorFiles;

/// <summary>The tensor file formats that <see cref="TensorFile"/> reads.</summary>
public enum TensorFileFormat
{
    /// <summary>A single safetensors file.</summary>
    Safetensors,

    /// <summary>A sharded safetensors checkpoint: an index JSON file beside its shards.</summary>
    ShardedSafetensors,

    /// <summary>A NumPy .npy array.</summary>
    Npy,

    /// <summary>A NumPy .npz archive of .npy arrays.</summary>
    Npz,
}
