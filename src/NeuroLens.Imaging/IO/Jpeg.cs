using SkiaSharp;

namespace NeuroLens.Imaging.IO;

/// <summary>
/// JPEG images through SkiaSharp (libjpeg-turbo): 8-bit grey or RGB, a 2D <see cref="Volume{T}"/> of
/// <see cref="byte"/> with 1 or 3 channels. JPEG is lossy: a written image reads back close to, not equal
/// to, the original. It stores no voxel size: it reads as 1.
/// </summary>
public static class JpegFormat
{
    /// <summary>Whether <paramref name="head"/> (the first bytes of a file) starts with a JPEG SOI marker.</summary>
    public static bool IsJpeg(ReadOnlySpan<byte> head) => head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF;

    /// <summary>Reads the header only.</summary>
    public static VolumeInfo Describe(string path)
    {
        using var codec = OpenCodec(path);
        int[] shape = [codec.Info.Height, codec.Info.Width];
        return new VolumeInfo("jpeg", VoxelType.UInt8, shape, Channels(codec), [1, 1, 1], null, [new LevelInfo(Path.GetFileName(path), shape, [1, 1, 1])]);
    }

    /// <summary>Reads a JPEG file as a 2D <see cref="byte"/> volume with 1 (grey) or 3 (RGB) channels.</summary>
    public static AnyVolume Read(string path, long maxBytes = VolumeReadOptions.DefaultMaxBytes)
    {
        using var codec = OpenCodec(path);
        int w = codec.Info.Width, h = codec.Info.Height, channels = Channels(codec);
        FileGuard.CheckSize(path, maxBytes, VoxelType.UInt8, 4, h, w);
        var info = new SKImageInfo(w, h, channels == 1 ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Opaque);
        byte[] pixels = new byte[(long)info.RowBytes * h];
        SKCodecResult result;
        unsafe
        {
            fixed (byte* p = pixels) result = codec.GetPixels(info, (IntPtr)p);
        }
        if (result != SKCodecResult.Success)
            throw new VolumeFileException(path, result == SKCodecResult.IncompleteInput ? "truncated JPEG data." : $"cannot decode JPEG ({result}).");

        long plane = (long)w * h;
        var data = new byte[plane * channels];
        if (channels == 1) pixels.AsSpan(0, (int)plane).CopyTo(data);
        else
            for (long i = 0; i < plane; i++)
                for (int c = 0; c < 3; c++) data[c * plane + i] = pixels[4 * i + c];
        return AnyVolume.Wrap(data, 1, h, w, channels, 2, [1, 1, 1]);
    }

    /// <summary>Writes a 2D <see cref="byte"/> image with 1 (grey) or 3 (RGB) channels as JPEG of the given quality (1–100), atomically.</summary>
    public static void Write(string path, AnyVolume image, int quality = 95)
    {
        if (image.Type != VoxelType.UInt8 || image.Dimensions != 2 || image.Channels is not (1 or 3))
            throw new VolumeFileException(path, $"JPEG stores 2D uint8 grey or RGB images, not {image}; write a PNG or TIFF instead.");
        if (quality is < 1 or > 100) throw new VolumeFileException(path, $"JPEG quality {quality} is outside 1–100.");
        int w = image.Width, h = image.Height;
        long plane = (long)w * h;
        var voxels = (byte[])image.Data;
        var info = new SKImageInfo(w, h, image.Channels == 1 ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Opaque);
        byte[] pixels;
        if (image.Channels == 1) pixels = voxels;
        else
        {
            pixels = new byte[plane * 4];
            for (long i = 0; i < plane; i++)
            {
                for (int c = 0; c < 3; c++) pixels[4 * i + c] = voxels[c * plane + i];
                pixels[4 * i + 3] = 255;
            }
        }
        FileGuard.WriteStream(path, stream =>
        {
            using var pixmap = new SKPixmap();
            unsafe
            {
                fixed (byte* p = pixels)
                {
                    pixmap.Reset(info, (IntPtr)p, info.RowBytes);
                    using var encoded = pixmap.Encode(SKEncodedImageFormat.Jpeg, quality)
                        ?? throw new VolumeFileException(path, "SkiaSharp could not encode the image as JPEG.");
                    encoded.SaveTo(stream);
                }
            }
        });
    }

    private static int Channels(SKCodec codec) => codec.Info.ColorType == SKColorType.Gray8 ? 1 : 3;

    private static SKCodec OpenCodec(string path)
    {
        if (!File.Exists(path)) throw new VolumeFileException(path, "file not found.");
        SKCodec? codec;
        try { codec = SKCodec.Create(path, out var result); }
        catch (Exception e) when (e is not VolumeFileException) { throw new VolumeFileException(path, $"cannot open JPEG: {e.Message}", e); }
        if (codec is null) throw new VolumeFileException(path, "not a decodable JPEG file.");
        if (codec.EncodedFormat != SKEncodedImageFormat.Jpeg) { codec.Dispose(); throw new VolumeFileException(path, $"not a JPEG file (it holds {codec.EncodedFormat})."); }
        return codec;
    }
}
