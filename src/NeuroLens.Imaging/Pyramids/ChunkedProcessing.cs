using NeuroLens.Core;

namespace NeuroLens.Imaging.Pyramids;

/// <summary>
/// Chunked iteration over a volume with halos: cut the volume into chunks, process each chunk together
/// with a margin of context around it, and write back only the chunk's own region. With a halo at least
/// as wide as an operation's reach (e.g. a Gaussian's kernel radius), the stitched result equals
/// processing the whole volume at once, while only one chunk plus halo is held at a time.
/// </summary>
public static class ChunkedProcessing
{
    /// <summary>
    /// The windows of a chunking of <paramref name="bounds"/> in raster order: chunks of
    /// <paramref name="chunkSize"/> voxels from the box's origin (partial at the far border), each grown
    /// by <paramref name="halo"/> and clipped to <paramref name="bounds"/>.
    /// </summary>
    /// <param name="bounds">The region to cover (e.g. <see cref="Volume{T}.Bounds"/>).</param>
    /// <param name="chunkSize">Chunk size z-y-x (3 entries; z = 1 for 2D images).</param>
    /// <param name="halo">Context in voxels on every side of the chunk, ≥ 0.</param>
    /// <param name="growZ">Whether the halo extends along z (true for 3D volumes).</param>
    public static IEnumerable<ChunkWindow> Windows(Box bounds, int[] chunkSize, int halo, bool growZ)
    {
        if (chunkSize.Length != 3 || chunkSize.Any(s => s <= 0))
            throw new NeuroLensException($"chunk size needs 3 positive entries (z, y, x), got [{string.Join(", ", chunkSize)}].");
        if (halo < 0)
            throw new NeuroLensException($"halo must be ≥ 0 voxels, got {halo}.");
        for (int z = bounds.Z0; z < bounds.Z1; z += chunkSize[0])
            for (int y = bounds.Y0; y < bounds.Y1; y += chunkSize[1])
                for (int x = bounds.X0; x < bounds.X1; x += chunkSize[2])
                {
                    var inner = Box.Intersect(new Box(z, y, x, chunkSize[0], chunkSize[1], chunkSize[2]), bounds);
                    yield return new ChunkWindow(inner, inner.Grow(halo, bounds, growZ));
                }
    }

    /// <summary>
    /// Applies <paramref name="process"/> chunk by chunk: it receives a crop of each window's outer box
    /// (all channels, voxel size kept) and must return a volume of the same spatial shape (any channel
    /// count, the same for every chunk); the chunk's inner region of each result is pasted into the output.
    /// </summary>
    /// <param name="volume">The input image or volume.</param>
    /// <param name="chunkSize">Chunk size, z-y-x for 3D or y-x for 2D.</param>
    /// <param name="halo">Context in voxels on every side (z only for 3D).</param>
    /// <param name="process">The per-chunk operation.</param>
    public static Volume<TOut> Map<T, TOut>(Volume<T> volume, int[] chunkSize, int halo, Func<Volume<T>, Volume<TOut>> process)
        where T : unmanaged where TOut : unmanaged
    {
        if (chunkSize.Length != volume.Dimensions)
            throw new NeuroLensException($"chunk size has {chunkSize.Length} entries; a {volume.Dimensions}D volume needs {volume.Dimensions}.");
        int[] size = volume.Dimensions == 3 ? chunkSize : [1, chunkSize[0], chunkSize[1]];
        Volume<TOut>? output = null;
        foreach (var window in Windows(volume.Bounds, size, halo, volume.Dimensions == 3))
        {
            var result = process(volume.Crop(window.Outer));
            if (result.Depth != window.Outer.Depth || result.Height != window.Outer.Height || result.Width != window.Outer.Width)
                throw new NeuroLensException($"chunk operation returned {result} for the window {window.Outer}; it must keep the spatial shape.");
            output ??= new Volume<TOut>(volume.Depth, volume.Height, volume.Width, result.Channels, volume.Dimensions)
            { VoxelSize = (double[])volume.VoxelSize.Clone() };
            var inner = window.InnerInOuter;
            output.Paste(inner.Count == result.VoxelCount ? result : result.Crop(inner), window.Inner.Z0, window.Inner.Y0, window.Inner.X0);
        }
        return output!;
    }
}
