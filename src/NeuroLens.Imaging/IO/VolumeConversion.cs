using System.Numerics;
using NeuroLens.Core;

namespace NeuroLens.Imaging.IO;

/// <summary>Conversions of volumes read from files into the types the algorithms take.</summary>
public static class VolumeConversion
{
    /// <summary>
    /// Intensities in [0, 1] as float32: uint8 divided by 255, uint16 by 65535, float32/float64 taken as
    /// they are (values outside [0, 1] are kept); other types are refused.
    /// </summary>
    public static Volume<float> ToUnitFloat(AnyVolume volume, string name) => volume.Accept(new UnitFloat(name));

    /// <summary>Instance labels as uint32; refuses negative, fractional or larger values.</summary>
    public static Volume<uint> ToLabels(AnyVolume volume, string name) => volume.Accept(new Labels(name));

    /// <summary>
    /// Instance labels as uint16, for formats that hold no wider integers (16-bit PNG); refuses label
    /// sets whose largest id does not fit, naming the file and the formats that take them.
    /// </summary>
    public static Volume<ushort> ToUInt16Labels(Volume<uint> labels, string name)
    {
        uint max = labels.Data.Length == 0 ? 0 : labels.Data.Max();
        if (max > ushort.MaxValue)
            throw new NeuroLensException($"{name}: label {max} does not fit 16 bits; write TIFF, HDF5, zarr or npy instead.");
        var result = new Volume<ushort>(labels.Depth, labels.Height, labels.Width, labels.Channels, labels.Dimensions) { VoxelSize = labels.VoxelSize };
        for (int i = 0; i < labels.Data.Length; i++) result.Data[i] = (ushort)labels.Data[i];
        return result;
    }

    private sealed class UnitFloat(string name) : IVolumeVisitor<Volume<float>>
    {
        public Volume<float> Visit<T>(Volume<T> v) where T : unmanaged, INumber<T>
        {
            float scale = typeof(T) == typeof(byte) ? 255f : typeof(T) == typeof(ushort) ? 65535f
                : typeof(T) == typeof(float) || typeof(T) == typeof(double) ? 1f
                : throw new NeuroLensException($"{name}: {typeof(T).Name} intensities have no unit scale; give uint8, uint16 or float data.");
            var result = new Volume<float>(v.Depth, v.Height, v.Width, v.Channels, v.Dimensions) { VoxelSize = v.VoxelSize };
            for (int i = 0; i < v.Data.Length; i++) result.Data[i] = float.CreateTruncating(v.Data[i]) / scale;
            return result;
        }
    }

    private sealed class Labels(string name) : IVolumeVisitor<Volume<uint>>
    {
        public Volume<uint> Visit<T>(Volume<T> v) where T : unmanaged, INumber<T>
        {
            if (v is Volume<uint> same) return same;
            var result = new Volume<uint>(v.Depth, v.Height, v.Width, v.Channels, v.Dimensions) { VoxelSize = v.VoxelSize };
            for (int i = 0; i < v.Data.Length; i++)
            {
                T x = v.Data[i];
                if (T.IsNegative(x) || !T.IsInteger(x) || x > T.CreateSaturating(uint.MaxValue))
                    throw new NeuroLensException($"{name}: value {x} at voxel {i} is not a label (a whole number from 0 to {uint.MaxValue}).");
                result.Data[i] = uint.CreateTruncating(x);
            }
            return result;
        }
    }
}
