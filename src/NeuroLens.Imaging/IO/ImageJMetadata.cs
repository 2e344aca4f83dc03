using System.Globalization;

namespace NeuroLens.Imaging.IO;

/// <summary>
/// ImageJ's TIFF metadata: an ImageDescription of <c>key=value</c> lines starting with <c>ImageJ=</c>
/// (<c>channels</c>, <c>slices</c>, <c>frames</c>, <c>spacing</c> = z step, <c>unit</c>), with the pixel
/// size as 1 / XResolution and 1 / YResolution in that unit. Hyperstack pages are ordered channel
/// fastest, then slice, then frame — OME's XYCZT.
/// </summary>
internal static class ImageJMetadata
{
    /// <summary>The plane layout and voxel size; null when the description is not ImageJ's.</summary>
    public static OmeXml? TryParse(string path, string? description, int width, int height, double xResolution, double yResolution)
    {
        if (description is null || !description.StartsWith("ImageJ=", StringComparison.Ordinal)) return null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in description.Split('\n'))
        {
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) values[line[..eq].Trim()] = line[(eq + 1)..].Trim();
        }
        int Count(string key)
        {
            if (!values.TryGetValue(key, out string? text)) return 1;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n <= 0)
                throw new VolumeFileException(path, $"ImageJ metadata {key}={text} is not a positive integer.");
            return n;
        }
        int channels = Count("channels"), frames = Count("frames");
        // Plain stacks often state only images=N (slices implied).
        int slices = values.ContainsKey("slices") ? Count("slices") : Count("images") / (channels * frames);
        if (slices <= 0) throw new VolumeFileException(path, "ImageJ metadata images is fewer than channels × frames.");

        string? unit = values.GetValueOrDefault("unit") switch
        {
            null or "" or "pixel" or "pixels" => null,
            "micron" or "microns" or "um" or "\\u00B5m" => "µm",
            var u => u,
        };
        double spacing = 1;
        if (values.TryGetValue("spacing", out string? s) &&
            (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out spacing) || !(spacing > 0) || double.IsInfinity(spacing)))
            throw new VolumeFileException(path, $"ImageJ metadata spacing={s} is not a positive number.");
        double Size(double resolution) => unit is not null && resolution > 0 && !double.IsInfinity(resolution) ? 1 / resolution : 1;
        return new OmeXml(width, height, slices, channels, frames, "XYCZT", [unit is null ? 1 : spacing, Size(yResolution), Size(xResolution)], unit, "tiff");
    }
}
