using BitMiracle.LibTiff.Classic;
using NeuroLens.Core;

namespace NeuroLens.Imaging.IO;

/// <summary>
/// TIFF images and multi-page stacks through BitMiracle.LibTiff.NET, one page per z slice. Samples of
/// 8, 16, 32 or 64 bits (unsigned, signed or IEEE float), stripped or tiled, grey, RGB or any number of
/// samples per pixel (they become channels). OME-TIFF: the OME-XML in the first page's ImageDescription
/// gives the voxel size (PhysicalSizeZ/Y/X, in its unit, µm by default) and SizeZ/SizeC/SizeT with the
/// dimension order that maps pages to (z, c); only one time point is read. Reduced-resolution pages are
/// skipped. ImageJ stacks: the <c>ImageJ=</c> ImageDescription gives channels, slices and the z spacing,
/// XResolution/YResolution the pixel size, in its <c>unit</c>. MinIsWhite pages are read as stored (not inverted). Writes are uncompressed, channels interleaved as samples, OME-XML added for <c>.ome.tif</c>.
/// </summary>
public static class TiffFormat
{
    /// <summary>Whether <paramref name="head"/> (the first bytes of a file) starts with a TIFF or BigTIFF header.</summary>
    public static bool IsTiff(ReadOnlySpan<byte> head) =>
        head.Length >= 4 && ((head[0] == 'I' && head[1] == 'I' && head[3] == 0 && head[2] is 42 or 43) ||
                             (head[0] == 'M' && head[1] == 'M' && head[2] == 0 && head[3] is 42 or 43));

    /// <summary>Whether a path names an OME-TIFF (<c>.ome.tif</c> or <c>.ome.tiff</c>).</summary>
    public static bool IsOmePath(string path) =>
        path.EndsWith(".ome.tif", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".ome.tiff", StringComparison.OrdinalIgnoreCase);

    private sealed record Page(short Directory, int Width, int Height, int Bits, int Samples, SampleFormat Format, bool Separate, bool Tiled, int TileWidth, int TileHeight);

    private sealed record Layout(List<Page> Pages, VoxelType Type, int Depth, int Channels, OmeXml? Ome, double[] VoxelSize)
    {
        public int Width => Pages[0].Width;
        public int Height => Pages[0].Height;
        public int PageChannels => Channels / Pages[0].Samples;
        public Page PageOf(int z, int c) => Pages[Ome?.PlaneIndex(z, c, 0) ?? z];
    }

    /// <summary>Shape, type and voxel size from the page headers and OME-XML, without reading pixels.</summary>
    public static VolumeInfo Describe(string path) => Guard(path, tif =>
    {
        var layout = Inspect(path, tif);
        int[] shape = layout.Depth == 1 ? [layout.Height, layout.Width] : [layout.Depth, layout.Height, layout.Width];
        return new VolumeInfo(layout.Ome?.Format ?? "tiff", layout.Type, shape, layout.Channels, layout.VoxelSize, layout.Ome?.Unit,
            [new LevelInfo(Path.GetFileName(path), shape, layout.VoxelSize)]);
    });

    /// <summary>Reads a TIFF or OME-TIFF as a volume (2D for a single page, else 3D with one z slice per page).</summary>
    public static AnyVolume Read(string path, long maxBytes = VolumeReadOptions.DefaultMaxBytes) => Guard(path, tif =>
    {
        var layout = Inspect(path, tif);
        int w = layout.Width, h = layout.Height, depth = layout.Depth, channels = layout.Channels, es = VoxelTypes.SizeOf(layout.Type);
        long bytes = FileGuard.CheckSize(path, maxBytes, layout.Type, channels, depth, h, w);
        long fileLength = new FileInfo(path).Length;
        // Uncompressed pixels cannot outnumber the file's bytes; compressed ones are bounded by a generous ratio.
        if (bytes > fileLength * 4096L) throw new VolumeFileException(path, $"declared pixels ({bytes} bytes) cannot come from a file of {fileLength} bytes.");
        Array data = VoxelTypes.NewArray(layout.Type, bytes / es);
        long plane = (long)w * h;
        for (int z = 0; z < depth; z++)
            for (int cp = 0; cp < layout.PageChannels; cp++)
            {
                var page = layout.PageOf(z, cp);
                if (!tif.SetDirectory(page.Directory)) throw Failure(path, $"cannot read page {page.Directory}");
                int spp = page.Samples;
                for (int s = 0; s < spp; s++)
                {
                    long channelOffset = ((long)(cp * spp + s) * depth + z) * plane;
                    ReadPlane(path, tif, page, page.Separate ? s : -1, s, (y, x0, span, stride) =>
                    {
                        var output = VoxelTypes.AsBytes(data);
                        int start = (int)((channelOffset + (long)y * w + x0) * es);
                        if (stride == es) span.CopyTo(output[start..]); // one sample per pixel: the row as it is
                        else
                            for (int x = 0; x < (span.Length + stride - es) / stride; x++)
                                span.Slice(x * stride, es).CopyTo(output.Slice(start + x * es, es));
                    });
                }
            }
        return AnyVolume.Wrap(data, depth, h, w, channels, depth == 1 ? 2 : 3, layout.VoxelSize);
    });

    // Calls back with each row piece of one sample: (y, x0, bytes starting at the sample, stride between pixels).
    private delegate void RowSink(int y, int x0, ReadOnlySpan<byte> samples, int stride);

    private static void ReadPlane(string path, Tiff tif, Page page, int separatePlane, int sample, RowSink sink)
    {
        int es = page.Bits / 8, stride = page.Separate ? es : es * page.Samples, offset = page.Separate ? 0 : sample * es;
        short planeIndex = (short)Math.Max(0, separatePlane);
        if (!page.Tiled)
        {
            byte[] row = new byte[tif.ScanlineSize()];
            for (int y = 0; y < page.Height; y++)
            {
                if (!tif.ReadScanline(row, y, planeIndex)) throw Failure(path, $"cannot read row {y} of page {page.Directory}");
                sink(y, 0, row.AsSpan(offset, stride * page.Width - offset), stride);
            }
            return;
        }
        byte[] tile = new byte[tif.TileSize()];
        for (int ty = 0; ty < page.Height; ty += page.TileHeight)
            for (int tx = 0; tx < page.Width; tx += page.TileWidth)
            {
                if (tif.ReadTile(tile, 0, tx, ty, 0, planeIndex) < 0) throw Failure(path, $"cannot read tile ({ty}, {tx}) of page {page.Directory}");
                int rows = Math.Min(page.TileHeight, page.Height - ty), cols = Math.Min(page.TileWidth, page.Width - tx);
                for (int y = 0; y < rows; y++)
                    sink(ty + y, tx, tile.AsSpan(y * page.TileWidth * stride + offset, stride * cols - offset), stride);
            }
    }

    private static Layout Inspect(string path, Tiff tif)
    {
        var pages = new List<Page>();
        string? description = null;
        double xResolution = 0, yResolution = 0;
        int count = tif.NumberOfDirectories();
        for (short d = 0; d < count; d++)
        {
            if (!tif.SetDirectory(d)) throw Failure(path, $"cannot read page {d}");
            if (d == 0)
            {
                description = tif.GetField(TiffTag.IMAGEDESCRIPTION)?[0].ToString();
                xResolution = tif.GetField(TiffTag.XRESOLUTION)?[0].ToDouble() ?? 0;
                yResolution = tif.GetField(TiffTag.YRESOLUTION)?[0].ToDouble() ?? 0;
            }
            var subfile = (FileType)Int(tif, TiffTag.SUBFILETYPE, 0);
            if ((subfile & FileType.REDUCEDIMAGE) != 0) continue;
            var photometric = (Photometric)Int(tif, TiffTag.PHOTOMETRIC, (int)Photometric.MINISBLACK);
            if (photometric is not (Photometric.MINISBLACK or Photometric.MINISWHITE or Photometric.RGB))
                throw new VolumeFileException(path, $"page {d} has photometric interpretation {photometric}; only grey and RGB are supported.");
            bool tiled = tif.IsTiled();
            var page = new Page(d, Int(tif, TiffTag.IMAGEWIDTH, 0), Int(tif, TiffTag.IMAGELENGTH, 0), Int(tif, TiffTag.BITSPERSAMPLE, 1),
                Int(tif, TiffTag.SAMPLESPERPIXEL, 1), (SampleFormat)Int(tif, TiffTag.SAMPLEFORMAT, (int)SampleFormat.UINT),
                (PlanarConfig)Int(tif, TiffTag.PLANARCONFIG, (int)PlanarConfig.CONTIG) == PlanarConfig.SEPARATE,
                tiled, tiled ? Int(tif, TiffTag.TILEWIDTH, 0) : 0, tiled ? Int(tif, TiffTag.TILELENGTH, 0) : 0);
            if (page.Width <= 0 || page.Height <= 0 || page.Samples <= 0 || (tiled && (page.TileWidth <= 0 || page.TileHeight <= 0)))
                throw new VolumeFileException(path, $"page {d} declares an invalid size {page.Width}×{page.Height}×{page.Samples}.");
            if (pages.Count > 0 && (page.Width, page.Height, page.Bits, page.Samples, page.Format) != (pages[0].Width, pages[0].Height, pages[0].Bits, pages[0].Samples, pages[0].Format))
                throw new VolumeFileException(path, $"page {d} differs in size or sample type from page 0; a stack needs equal pages.");
            pages.Add(page);
        }
        if (pages.Count == 0) throw new VolumeFileException(path, "no image pages.");
        var first = pages[0];
        VoxelType type = (first.Format, first.Bits) switch
        {
            (SampleFormat.UINT, 8) => VoxelType.UInt8, (SampleFormat.INT, 8) => VoxelType.Int8,
            (SampleFormat.UINT, 16) => VoxelType.UInt16, (SampleFormat.INT, 16) => VoxelType.Int16,
            (SampleFormat.UINT, 32) => VoxelType.UInt32, (SampleFormat.INT, 32) => VoxelType.Int32,
            (SampleFormat.UINT, 64) => VoxelType.UInt64, (SampleFormat.INT, 64) => VoxelType.Int64,
            (SampleFormat.IEEEFP, 32) => VoxelType.Float32, (SampleFormat.IEEEFP, 64) => VoxelType.Float64,
            _ => throw new VolumeFileException(path, $"samples of {first.Bits} bits, format {first.Format}, are not supported (8/16/32/64-bit integer or 32/64-bit float)."),
        };
        var ome = OmeXml.TryParse(path, description) ?? ImageJMetadata.TryParse(path, description, first.Width, first.Height, xResolution, yResolution);
        if (ome is null) return new Layout(pages, type, pages.Count, first.Samples, null, [1, 1, 1]);

        if (ome.SizeX != first.Width || ome.SizeY != first.Height)
            throw new VolumeFileException(path, $"{ome.Format} metadata size {ome.SizeX}×{ome.SizeY} differs from the pages' {first.Width}×{first.Height}.");
        if (ome.SizeT > 1) throw new VolumeFileException(path, $"{ome.Format} with {ome.SizeT} time points is not supported (one volume per file).");
        if (ome.SizeC % first.Samples != 0) throw new VolumeFileException(path, $"{ome.Format} metadata has {ome.SizeC} channels, not a multiple of the {first.Samples} samples per pixel.");
        long planes = (long)ome.SizeZ * (ome.SizeC / first.Samples);
        if (planes > pages.Count) throw new VolumeFileException(path, $"{ome.Format} metadata declares {planes} planes, the file has {pages.Count} pages.");
        return new Layout(pages, type, ome.SizeZ, ome.SizeC, ome, ome.VoxelSize);
    }

    private static int Int(Tiff tif, TiffTag tag, int fallback)
    {
        var value = tif.GetField(tag);
        return value is { Length: > 0 } ? value[0].ToInt() : fallback;
    }

    /// <summary>
    /// Writes a volume as a TIFF stack (one page per z slice, channels interleaved as samples: RGB for 3
    /// channels), atomically. A path ending in <c>.ome.tif(f)</c> also gets OME-XML with the voxel size in
    /// <paramref name="unit"/> (µm when null). BigTIFF is used past 4 GB.
    /// </summary>
    public static void Write(string path, AnyVolume volume, string? unit = null)
    {
        bool ome = IsOmePath(path);
        if (ome && volume.Type is VoxelType.UInt64 or VoxelType.Int64)
            throw new VolumeFileException(path, "OME-TIFF has no 64-bit integer pixel type; write a plain .tif, HDF5 or zarr.");
        int w = volume.Width, h = volume.Height, c = volume.Channels, es = VoxelTypes.SizeOf(volume.Type);
        if (c > short.MaxValue || volume.Depth > short.MaxValue) throw new VolumeFileException(path, "too many channels or slices for TIFF.");
        string description = ome ? OmeXml.Build(volume, OmeXml.Symbol(unit)) : "";
        var voxels = VoxelTypes.AsBytes(volume.Data).ToArray();
        long plane = (long)w * h, total = plane * c * volume.Depth * es;
        var format = VoxelTypes.IsFloat(volume.Type) ? SampleFormat.IEEEFP : VoxelTypes.IsSignedInteger(volume.Type) ? SampleFormat.INT : SampleFormat.UINT;
        FileGuard.WriteFile(path, temp => WithErrors(temp, () =>
        {
            using var tif = Tiff.Open(temp, total > 3_900_000_000L ? "w8" : "w") ?? throw Failure(path, "cannot create the file");
            byte[] row = new byte[(long)w * c * es];
            for (int z = 0; z < volume.Depth; z++)
            {
                tif.SetField(TiffTag.IMAGEWIDTH, w);
                tif.SetField(TiffTag.IMAGELENGTH, h);
                tif.SetField(TiffTag.BITSPERSAMPLE, es * 8);
                tif.SetField(TiffTag.SAMPLESPERPIXEL, c);
                tif.SetField(TiffTag.SAMPLEFORMAT, format);
                tif.SetField(TiffTag.PHOTOMETRIC, c == 3 ? Photometric.RGB : Photometric.MINISBLACK);
                int extra = c == 3 ? 0 : c - 1;
                if (extra > 0) tif.SetField(TiffTag.EXTRASAMPLES, extra, new short[extra]);
                tif.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
                tif.SetField(TiffTag.COMPRESSION, Compression.NONE);
                tif.SetField(TiffTag.ROWSPERSTRIP, Math.Max(1, (int)Math.Min(h, (1 << 20) / Math.Max(1, row.LongLength))));
                if (volume.Depth > 1)
                {
                    tif.SetField(TiffTag.SUBFILETYPE, FileType.PAGE);
                    tif.SetField(TiffTag.PAGENUMBER, z, volume.Depth);
                }
                if (z == 0 && description.Length > 0) tif.SetField(TiffTag.IMAGEDESCRIPTION, description);
                for (int y = 0; y < h; y++)
                {
                    if (c == 1) Array.Copy(voxels, (z * plane + (long)y * w) * es, row, 0, row.Length);
                    else
                        for (int x = 0; x < w; x++)
                            for (int ch = 0; ch < c; ch++)
                                Array.Copy(voxels, ((ch * volume.Depth + z) * plane + (long)y * w + x) * es, row, ((long)x * c + ch) * es, es);
                    if (!tif.WriteScanline(row, y)) throw Failure(path, $"cannot write row {y} of page {z}");
                }
                if (!tif.WriteDirectory()) throw Failure(path, $"cannot write page {z}");
            }
            return 0;
        }));
    }

    // LibTiff.NET reports problems through a process-wide handler (by default to the console): this
    // one keeps the last error of the calling thread so that it can be put into the one-line message.
    private sealed class Handler : TiffErrorHandler
    {
        [ThreadStatic] public static string? LastError;
        public override void ErrorHandler(Tiff tif, string method, string format, params object[] args) => LastError = Format(format, args);
        public override void ErrorHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) => LastError = Format(format, args);
        public override void WarningHandler(Tiff tif, string method, string format, params object[] args) { }
        public override void WarningHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) { }
        private static string Format(string format, object[] args)
        {
            try { return string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args); }
            catch (FormatException) { return format; }
        }
    }

    private static readonly object HandlerLock = new();
    private static bool handlerSet;

    private static VolumeFileException Failure(string path, string what) =>
        new(path, Handler.LastError is { } e ? $"{what}: {e}" : $"{what}.");

    private static T WithErrors<T>(string path, Func<T> action)
    {
        lock (HandlerLock)
        {
            if (!handlerSet) { Tiff.SetErrorHandler(new Handler()); handlerSet = true; }
        }
        Handler.LastError = null;
        try { return action(); }
        catch (Exception e) when (e is not NeuroLensException and not OutOfMemoryException)
        {
            throw new VolumeFileException(path, $"malformed TIFF ({e.GetType().Name}: {e.Message}).", e);
        }
    }

    private static T Guard<T>(string path, Func<Tiff, T> action) => WithErrors(path, () =>
    {
        if (!File.Exists(path)) throw new VolumeFileException(path, "file not found.");
        using var tif = Tiff.Open(path, "r") ?? throw Failure(path, "not a readable TIFF file");
        return action(tif);
    });
}
