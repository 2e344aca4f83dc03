using System.Numerics;
using NeuroLens.Core;
using NeuroLens.Imaging.IO;

namespace NeuroLens.Imaging.Pyramids;

/// <summary>How <see cref="PyramidExport.WriteOmeZarr"/> builds and stores a pyramid.</summary>
public sealed record PyramidExportOptions
{
    /// <summary>Levels including full resolution; 0 picks as many as keep the smaller in-plane extent ≥ <see cref="MinExtent"/>.</summary>
    public int Levels { get; init; }

    /// <summary>Smallest in-plane extent of the coarsest level when <see cref="Levels"/> is 0.</summary>
    public int MinExtent { get; init; } = 64;

    /// <summary>Downsampling factor r between levels (z only for 3D volumes).</summary>
    public int Factor { get; init; } = 2;

    /// <summary>Intensity downsampling: block mean (default) or Gaussian then subsample.</summary>
    public PyramidMethod Method { get; init; } = PyramidMethod.BlockMean;

    /// <summary>Treat the image as labels or a mask: levels are reduced by <see cref="LabelReduction"/> instead of averaged.</summary>
    public bool Labels { get; init; }

    /// <summary>Label reduction when <see cref="Labels"/> is set: any (mask OR) or maximum label.</summary>
    public LabelReduction LabelReduction { get; init; } = LabelReduction.Max;

    /// <summary>Chunking, compression and unit of the written store.</summary>
    public VolumeWriteOptions Write { get; init; } = new();
}

/// <summary>
/// Writes an image as an OME-Zarr multiscale pyramid (NGFF 0.4): level 0 is the image as read, coarser
/// levels are downsampled by <see cref="PyramidExportOptions.Factor"/> and stored in the image's own voxel
/// type (intensities rounded to nearest and saturated for integer types; labels reduced, never averaged).
/// </summary>
public static class PyramidExport
{
    /// <summary>Builds and writes the pyramid; returns the shape of every level, full resolution first.</summary>
    public static IReadOnlyList<int[]> WriteOmeZarr(AnyVolume image, string path, PyramidExportOptions options) =>
        image.Accept(new Writer(path, options));

    /// <summary>The level count <see cref="PyramidExportOptions.Levels"/> = 0 resolves to for this image.</summary>
    public static int AutomaticLevels(int height, int width, int factor, int minExtent)
    {
        int levels = 1;
        for (long extent = Math.Min(height, width); extent / factor >= minExtent; extent /= factor) levels++;
        return levels;
    }

    private sealed class Writer(string path, PyramidExportOptions options) : IVolumeVisitor<IReadOnlyList<int[]>>
    {
        public IReadOnlyList<int[]> Visit<T>(Volume<T> image) where T : unmanaged, INumber<T>
        {
            if (options.Factor < 2)
                throw new NeuroLensException($"--factor {options.Factor}: expected 2 or more.");
            int levels = options.Levels > 0 ? options.Levels : AutomaticLevels(image.Height, image.Width, options.Factor, options.MinExtent);
            IReadOnlyList<Volume<T>> pyramid = options.Labels
                ? Pyramid.BuildLabels(image, levels, options.LabelReduction, options.Factor)
                : Intensities(image, levels);
            var factors = Enumerable.Range(0, levels).Select(k =>
            {
                double f = Math.Pow(options.Factor, k);
                return new[] { image.Dimensions == 3 ? f : 1, f, f };
            }).ToList();
            OmeZarr.Write(path, pyramid, factors, options.Write);
            return pyramid.Select(v => v.Shape).ToList();
        }

        private IReadOnlyList<Volume<T>> Intensities<T>(Volume<T> image, int levels) where T : unmanaged, INumber<T>
        {
            var floats = Pyramid.Build(image, levels, options.Method, options.Factor);
            var result = new List<Volume<T>>(levels) { image };
            bool integer = typeof(T) != typeof(float) && typeof(T) != typeof(double);
            foreach (var level in floats.Skip(1))
            {
                var typed = new Volume<T>(level.Depth, level.Height, level.Width, level.Channels, level.Dimensions) { VoxelSize = level.VoxelSize };
                for (int i = 0; i < level.Data.Length; i++)
                    typed.Data[i] = integer ? T.CreateSaturating(MathF.Round(level.Data[i])) : T.CreateTruncating(level.Data[i]);
                result.Add(typed);
            }
            return result;
        }
    }
}
