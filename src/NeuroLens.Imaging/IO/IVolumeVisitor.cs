using System.Numerics;

namespace NeuroLens.Imaging.IO;

/// <summary>
/// A generic operation on a volume whose voxel type is known only at run time (what a file held):
/// <see cref="AnyVolume.Accept{TResult}"/> calls <see cref="Visit{T}"/> with the concrete type, so
/// drivers reach the generic algorithms without a switch over voxel types of their own.
/// </summary>
/// <typeparam name="TResult">What the operation returns.</typeparam>
public interface IVolumeVisitor<out TResult>
{
    /// <summary>Runs the operation on the typed volume.</summary>
    TResult Visit<T>(Volume<T> volume) where T : unmanaged, INumber<T>;
}
