using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace NeuroLens.Imaging.IO;

/// <summary>
/// PNG images (ISO/IEC 15948), read and written here rather than through an image library so that
/// 16-bit samples survive exactly. Grey, grey + alpha, RGB and RGBA at 8 or 16 bits per sample map to a
/// 2D <see cref="Volume{T}"/> of <see cref="byte"/> or <see cref="ushort"/> with 1, 2, 3 or 4 channels
/// (alpha is the last channel). Palette images are expanded to RGB (RGBA with a tRNS chunk); grey at
/// 1, 2 or 4 bits is unpacked to bytes holding the raw sample values (0 … 2^bits − 1). Adam7-interlaced
/// files are refused. Every chunk's CRC is checked. PNG stores no voxel size: it reads as 1.
/// </summary>
public static class PngFormat
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Whether <paramref name="head"/> (the first bytes of a file) starts with the PNG signature.</summary>
    public static bool IsPng(ReadOnlySpan<byte> head) => head.StartsWith(Signature);

    private sealed record Header(int Width, int Height, int BitDepth, int ColourType, int Interlace)
    {
        public int Samples => ColourType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        public int OutChannels(bool hasTrns) => ColourType == 3 ? (hasTrns ? 4 : 3) : Samples;
        public VoxelType Type => BitDepth == 16 ? VoxelType.UInt16 : VoxelType.UInt8;
        public long RowBytes => ((long)Width * Samples * BitDepth + 7) / 8;
    }

    /// <summary>Reads the header and chunk list, without decompressing the pixels.</summary>
    public static VolumeInfo Describe(string path, long maxBytes = VolumeReadOptions.DefaultMaxBytes)
    {
        var png = Parse(path, maxBytes);
        int channels = png.Header.OutChannels(png.Header.ColourType == 3 && png.Trns is not null);
        int[] shape = [png.Header.Height, png.Header.Width];
        return new VolumeInfo("png", png.Header.Type, shape, channels, [1, 1, 1], null, [new LevelInfo(Path.GetFileName(path), shape, [1, 1, 1])]);
    }

    /// <summary>Reads a PNG file as a 2D volume of <see cref="byte"/> (8-bit and less) or <see cref="ushort"/> (16-bit).</summary>
    public static AnyVolume Read(string path, long maxBytes = VolumeReadOptions.DefaultMaxBytes)
    {
        var png = Parse(path, maxBytes);
        var header = png.Header;
        int channels = header.OutChannels(header.ColourType == 3 && png.Trns is not null);
        FileGuard.CheckSize(path, maxBytes, header.Type, channels, header.Height, header.Width);
        long rawLength = header.Height * (1 + header.RowBytes);
        // Deflate expands at most ~1032:1; a header promising far more than the data could hold is corrupt.
        if (rawLength > (png.IdatBytes + 64) * 1100 || rawLength > Array.MaxLength)
            throw new VolumeFileException(path, $"declared {header.Width}×{header.Height} image cannot come from {png.IdatBytes} bytes of image data.");

        byte[] raw = Inflate(path, png.File, png.Idat, (int)rawLength);
        Unfilter(path, raw, header);
        return ToVolume(header, raw, png.Palette, png.Trns, channels);
    }

    private sealed record Parsed(byte[] File, Header Header, byte[]? Palette, byte[]? Trns, List<(int Offset, int Length)> Idat, long IdatBytes);

    // Walks the chunks, checking every CRC; the pixels stay compressed.
    private static Parsed Parse(string path, long maxBytes)
    {
        byte[] file;
        using (var stream = OpenRead(path))
        {
            if (stream.Length > Math.Min(maxBytes, Array.MaxLength)) throw new VolumeFileException(path, $"file of {stream.Length} bytes exceeds the read limit.");
            file = new byte[stream.Length];
            stream.ReadExactly(file);
        }
        if (!IsPng(file)) throw new VolumeFileException(path, "not a PNG file (bad signature).");

        Header? header = null;
        byte[]? palette = null, trns = null;
        var idat = new List<(int Offset, int Length)>();
        long idatBytes = 0;
        bool end = false;
        for (int pos = 8; pos < file.Length && !end;)
        {
            var data = ReadChunk(path, file, pos, out string type, out int next);
            if (header is null && type != "IHDR") throw new VolumeFileException(path, $"first chunk is {type}, expected IHDR.");
            switch (type)
            {
                case "IHDR": header = header is null ? ParseHeader(path, data) : throw new VolumeFileException(path, "second IHDR chunk."); break;
                case "PLTE": palette = data.ToArray(); break;
                case "tRNS": trns = data.ToArray(); break;
                case "IDAT": idat.Add((pos + 8, data.Length)); idatBytes += data.Length; break;
                case "IEND": end = true; break;
                default:
                    if (char.IsUpper(type[0])) throw new VolumeFileException(path, $"unknown critical chunk {type}.");
                    break;
            }
            pos = next;
        }
        if (header is null) throw new VolumeFileException(path, "no IHDR chunk.");
        if (!end) throw new VolumeFileException(path, "truncated: no IEND chunk.");
        if (idat.Count == 0) throw new VolumeFileException(path, "no IDAT chunk.");
        if (header.ColourType == 3 && (palette is null || palette.Length % 3 != 0 || palette.Length == 0))
            throw new VolumeFileException(path, "palette image without a valid PLTE chunk.");
        return new Parsed(file, header, palette, trns, idat, idatBytes);
    }

    private static FileStream OpenRead(string path)
    {
        try { return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new VolumeFileException(path, $"cannot open: {e.Message}", e); }
    }

    private static ReadOnlySpan<byte> ReadChunk(string path, byte[] file, int pos, out string type, out int next)
    {
        if (file.Length - pos < 12) throw new VolumeFileException(path, $"truncated chunk at byte {pos}.");
        uint length = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(pos));
        type = Encoding.ASCII.GetString(file, pos + 4, 4);
        if (!type.All(char.IsAsciiLetter)) throw new VolumeFileException(path, $"invalid chunk type at byte {pos}.");
        if (length > int.MaxValue || length > file.Length - pos - 12L) throw new VolumeFileException(path, $"truncated: chunk {type} at byte {pos} declares {length} bytes.");
        var body = file.AsSpan(pos + 4, 4 + (int)length);
        uint crc = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(pos + 8 + (int)length));
        if (Crc32(body) != crc) throw new VolumeFileException(path, $"CRC mismatch in chunk {type} at byte {pos}.");
        next = pos + 12 + (int)length;
        return body[4..];
    }

    private static Header ParseHeader(string path, ReadOnlySpan<byte> d)
    {
        if (d.Length != 13) throw new VolumeFileException(path, $"IHDR has {d.Length} bytes, expected 13.");
        uint w = BinaryPrimitives.ReadUInt32BigEndian(d), h = BinaryPrimitives.ReadUInt32BigEndian(d[4..]);
        var header = new Header((int)Math.Min(w, int.MaxValue), (int)Math.Min(h, int.MaxValue), d[8], d[9], d[12]);
        if (w == 0 || h == 0 || w > int.MaxValue || h > int.MaxValue) throw new VolumeFileException(path, $"invalid image size {w}×{h}.");
        bool valid = header.ColourType switch
        {
            0 => header.BitDepth is 1 or 2 or 4 or 8 or 16,
            3 => header.BitDepth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => header.BitDepth is 8 or 16,
            _ => false,
        };
        if (!valid) throw new VolumeFileException(path, $"invalid colour type {header.ColourType} with bit depth {header.BitDepth}.");
        if (d[10] != 0 || d[11] != 0) throw new VolumeFileException(path, "unknown compression or filter method.");
        if (header.Interlace == 1) throw new VolumeFileException(path, "Adam7-interlaced PNG is not supported; re-save it without interlacing.");
        if (header.Interlace != 0) throw new VolumeFileException(path, $"unknown interlace method {header.Interlace}.");
        return header;
    }

    private static byte[] Inflate(string path, byte[] file, List<(int Offset, int Length)> idat, int rawLength)
    {
        var compressed = new MemoryStream();
        foreach (var (offset, length) in idat) compressed.Write(file, offset, length);
        compressed.Position = 0;
        byte[] raw = new byte[rawLength];
        try
        {
            using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
            int read = zlib.ReadAtLeast(raw, rawLength, throwOnEndOfStream: false);
            if (read < rawLength) throw new VolumeFileException(path, $"truncated image data: {read} of {rawLength} bytes.");
        }
        catch (InvalidDataException e) { throw new VolumeFileException(path, $"corrupt compressed image data ({e.Message}).", e); }
        return raw;
    }

    // Reverses the per-row filters of PNG §9 in place; bpp is the byte distance to the left neighbour.
    private static void Unfilter(string path, byte[] raw, Header header)
    {
        int stride = (int)header.RowBytes + 1;
        int bpp = Math.Max(1, header.Samples * header.BitDepth / 8);
        for (int y = 0; y < header.Height; y++)
        {
            var row = raw.AsSpan(y * stride + 1, stride - 1);
            var up = y == 0 ? Span<byte>.Empty : raw.AsSpan((y - 1) * stride + 1, stride - 1);
            byte filter = raw[y * stride];
            for (int i = 0; i < row.Length; i++)
            {
                int a = i >= bpp ? row[i - bpp] : 0, b = y > 0 ? up[i] : 0, c = i >= bpp && y > 0 ? up[i - bpp] : 0;
                row[i] += filter switch
                {
                    0 => 0,
                    1 => (byte)a,
                    2 => (byte)b,
                    3 => (byte)((a + b) >> 1),
                    4 => (byte)Paeth(a, b, c),
                    _ => throw new VolumeFileException(path, $"unknown filter type {filter} in row {y}."),
                };
            }
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    // Interleaved filtered rows → planar [channel, y, x].
    private static AnyVolume ToVolume(Header header, byte[] raw, byte[]? palette, byte[]? trns, int channels)
    {
        int w = header.Width, h = header.Height, stride = (int)header.RowBytes + 1, samples = header.Samples;
        long plane = (long)w * h;
        if (header.BitDepth == 16)
        {
            var data = new ushort[plane * channels];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int c = 0; c < samples; c++)
                        data[c * plane + (long)y * w + x] = BinaryPrimitives.ReadUInt16BigEndian(raw.AsSpan(y * stride + 1 + (x * samples + c) * 2));
            return AnyVolume.Wrap(data, 1, h, w, channels, 2, [1, 1, 1]);
        }
        var bytes = new byte[plane * channels];
        int bits = header.BitDepth, mask = (1 << bits) - 1;
        for (int y = 0; y < h; y++)
        {
            var row = raw.AsSpan(y * stride + 1);
            for (int x = 0; x < w; x++)
            {
                if (header.ColourType == 3)
                {
                    int index = (row[x * bits / 8] >> (8 - bits - x * bits % 8)) & mask;
                    for (int c = 0; c < 3; c++) bytes[c * plane + (long)y * w + x] = 3 * index + c < palette!.Length ? palette[3 * index + c] : (byte)0;
                    if (channels == 4) bytes[3 * plane + (long)y * w + x] = index < trns!.Length ? trns[index] : (byte)255;
                }
                else if (bits < 8)
                    bytes[(long)y * w + x] = (byte)((row[x * bits / 8] >> (8 - bits - x * bits % 8)) & mask);
                else
                    for (int c = 0; c < samples; c++) bytes[c * plane + (long)y * w + x] = row[x * samples + c];
            }
        }
        return AnyVolume.Wrap(bytes, 1, h, w, channels, 2, [1, 1, 1]);
    }

    /// <summary>
    /// Writes a 2D volume of <see cref="byte"/> or <see cref="ushort"/> with 1 (grey), 2 (grey + alpha),
    /// 3 (RGB) or 4 (RGBA) channels as an 8- or 16-bit PNG, atomically. Rows are filtered adaptively
    /// (the filter with the smallest sum of absolute differences, as libpng does).
    /// </summary>
    public static void Write(string path, AnyVolume image)
    {
        if (image.Type is not (VoxelType.UInt8 or VoxelType.UInt16))
            throw new VolumeFileException(path, $"PNG stores uint8 or uint16 samples, not {VoxelTypes.Name(image.Type)}; write a TIFF or zarr instead.");
        if (image.Dimensions != 2) throw new VolumeFileException(path, "PNG holds one 2D image; write a 3D volume as TIFF, HDF5 or zarr.");
        if (image.Channels > 4) throw new VolumeFileException(path, $"PNG holds 1–4 channels, the image has {image.Channels}.");
        int bits = image.Type == VoxelType.UInt16 ? 16 : 8, bps = bits / 8, channels = image.Channels;
        int w = image.Width, h = image.Height, bpp = channels * bps;
        long rowBytes = (long)w * bpp;
        if (rowBytes + 1 > int.MaxValue) throw new VolumeFileException(path, "image rows too wide for PNG.");
        byte colourType = channels switch { 1 => 0, 2 => 4, 3 => 2, _ => 6 };
        var voxels = VoxelTypes.AsBytes(image.Data).ToArray();
        long plane = (long)w * h;

        FileGuard.WriteStream(path, stream =>
        {
            stream.Write(Signature);
            Span<byte> ihdr = stackalloc byte[13];
            BinaryPrimitives.WriteInt32BigEndian(ihdr, w);
            BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], h);
            ihdr[8] = (byte)bits; ihdr[9] = colourType; ihdr[10] = ihdr[11] = ihdr[12] = 0;
            WriteChunk(stream, "IHDR", ihdr);

            var compressed = new MemoryStream();
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                byte[] prev = new byte[rowBytes], row = new byte[rowBytes], best = new byte[rowBytes + 1], trial = new byte[rowBytes + 1];
                for (int y = 0; y < h; y++)
                {
                    for (int x = 0; x < w; x++)
                        for (int c = 0; c < channels; c++)
                        {
                            long src = (c * plane + (long)y * w + x) * bps;
                            int dst = (x * channels + c) * bps;
                            if (bps == 1) row[dst] = voxels[src];
                            else { row[dst] = voxels[src + 1]; row[dst + 1] = voxels[src]; } // big-endian samples
                        }
                    long bestCost = long.MaxValue;
                    for (byte filter = 0; filter <= 4; filter++)
                    {
                        long cost = Filter(filter, row, y > 0 ? prev : null, bpp, trial);
                        if (cost < bestCost) { bestCost = cost; (best, trial) = (trial, best); }
                    }
                    zlib.Write(best);
                    (prev, row) = (row, prev);
                }
            }
            var idat = compressed.GetBuffer().AsSpan(0, (int)compressed.Length);
            for (int off = 0; off < idat.Length; off += 1 << 20)
                WriteChunk(stream, "IDAT", idat.Slice(off, Math.Min(1 << 20, idat.Length - off)));
            WriteChunk(stream, "IEND", []);
        });
    }

    private static long Filter(byte filter, byte[] row, byte[]? up, int bpp, byte[] output)
    {
        output[0] = filter;
        long cost = 0;
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0, b = up?[i] ?? 0, c = i >= bpp && up is not null ? up[i - bpp] : 0;
            byte v = (byte)(row[i] - filter switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) >> 1, _ => Paeth(a, b, c) });
            output[i + 1] = v;
            cost += (sbyte)v < 0 ? -(sbyte)v : v;
        }
        return cost;
    }

    private static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        byte[] body = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(type, body);
        data.CopyTo(body.AsSpan(4));
        stream.Write(body);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(body));
        stream.Write(word);
    }

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>The CRC-32 of PNG §5.5 (the same as zlib's).</summary>
    internal static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFFu;
        foreach (byte b in data) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
