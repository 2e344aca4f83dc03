using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace NeuroLens.Imaging.IO;

/// <summary>
/// The part of OME-XML (the OME-TIFF ImageDescription) that NeuroLens uses: the first image's
/// <c>Pixels</c> sizes, dimension order and physical voxel size. Units are kept as the file names them
/// (OME's default is µm). ImageJ stacks describe the same plane layout (<see cref="ImageJMetadata"/>);
/// <paramref name="Format"/> says which of the two it came from.
/// </summary>
internal sealed record OmeXml(int SizeX, int SizeY, int SizeZ, int SizeC, int SizeT, string DimensionOrder, double[] VoxelSize, string? Unit,
    string Format = "ome-tiff")
{
    /// <summary>Parses an ImageDescription; null when it is not OME-XML.</summary>
    public static OmeXml? TryParse(string path, string? description)
    {
        if (description is null || !description.Contains("<OME", StringComparison.Ordinal)) return null;
        XDocument doc;
        try
        {
            // No DTDs: an ImageDescription is untrusted text (entity expansion, external entities).
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 64 << 20 };
            using var reader = XmlReader.Create(new StringReader(description), settings);
            doc = XDocument.Load(reader);
        }
        catch (XmlException e) { throw new VolumeFileException(path, $"malformed OME-XML in ImageDescription ({e.Message}).", e); }
        var pixels = doc.Descendants().FirstOrDefault(e => e.Name.LocalName == "Pixels")
            ?? throw new VolumeFileException(path, "OME-XML has no Pixels element.");
        int Size(string name, bool required = true)
        {
            string? text = (string?)pixels.Attribute(name);
            if (text is null && !required) return 1;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n <= 0)
                throw new VolumeFileException(path, $"OME-XML Pixels {name}='{text}' is not a positive integer.");
            return n;
        }
        double Physical(string name)
        {
            string? text = (string?)pixels.Attribute(name);
            if (text is null) return 1;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v > 0) || double.IsInfinity(v))
                throw new VolumeFileException(path, $"OME-XML Pixels {name}='{text}' is not a positive number.");
            return v;
        }
        string order = (string?)pixels.Attribute("DimensionOrder") ?? "XYZCT";
        if (order.Length != 5 || !order.StartsWith("XY", StringComparison.Ordinal) || order.Order().SequenceEqual("CTXYZ") is false)
            throw new VolumeFileException(path, $"OME-XML DimensionOrder '{order}' is invalid.");
        string unit = (string?)pixels.Attribute("PhysicalSizeXUnit") ?? "µm";
        return new OmeXml(Size("SizeX"), Size("SizeY"), Size("SizeZ", false), Size("SizeC", false), Size("SizeT", false), order,
            [Physical("PhysicalSizeZ"), Physical("PhysicalSizeY"), Physical("PhysicalSizeX")], unit);
    }

    /// <summary>Plane (page) index of (z, c, t) under the dimension order (the fastest-varying letter follows XY).</summary>
    public int PlaneIndex(int z, int c, int t)
    {
        int index = 0, stride = 1;
        foreach (char axis in DimensionOrder[2..])
        {
            (int value, int size) = axis switch { 'Z' => (z, SizeZ), 'C' => (c, SizeC), _ => (t, SizeT) };
            index += value * stride;
            stride *= size;
        }
        return index;
    }

    /// <summary>OME-XML (schema 2016-06) for a file with one page per z slice, each holding all channels
    /// interleaved as samples (dimension order XYCZT).</summary>
    public static string Build(AnyVolume v, string unit)
    {
        XNamespace ns = "http://www.openmicroscopy.org/Schemas/OME/2016-06";
        string type = v.Type switch
        {
            VoxelType.Float32 => "float",
            VoxelType.Float64 => "double",
            VoxelType.UInt64 or VoxelType.Int64 => throw new ArgumentException("OME-TIFF has no 64-bit integer pixel type."),
            _ => VoxelTypes.Name(v.Type),
        };
        string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        var pixels = new XElement(ns + "Pixels",
            new XAttribute("ID", "Pixels:0"), new XAttribute("DimensionOrder", "XYCZT"), new XAttribute("Type", type),
            new XAttribute("SizeX", v.Width), new XAttribute("SizeY", v.Height), new XAttribute("SizeZ", v.Depth),
            new XAttribute("SizeC", v.Channels), new XAttribute("SizeT", 1),
            new XAttribute("PhysicalSizeX", F(v.VoxelSize[2])), new XAttribute("PhysicalSizeXUnit", unit),
            new XAttribute("PhysicalSizeY", F(v.VoxelSize[1])), new XAttribute("PhysicalSizeYUnit", unit),
            new XAttribute("Interleaved", v.Channels > 1 ? "true" : "false"), new XAttribute("BigEndian", "false"),
            new XElement(ns + "Channel", new XAttribute("ID", "Channel:0:0"), new XAttribute("SamplesPerPixel", v.Channels)),
            new XElement(ns + "TiffData", new XAttribute("IFD", 0), new XAttribute("PlaneCount", v.Depth)));
        if (v.Dimensions == 3)
            pixels.Add(new XAttribute("PhysicalSizeZ", F(v.VoxelSize[0])), new XAttribute("PhysicalSizeZUnit", unit));
        var ome = new XElement(ns + "OME", new XElement(ns + "Image", new XAttribute("ID", "Image:0"), new XAttribute("Name", "NeuroLens"), pixels));
        return new XDeclaration("1.0", "UTF-8", null) + Environment.NewLine + ome.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>The OME-TIFF unit symbol for a unit named in either OME or UDUNITS style; µm when null.</summary>
    public static string Symbol(string? unit) => unit?.ToLowerInvariant() switch
    {
        null or "µm" or "um" or "micrometer" or "micrometre" or "micron" => "µm",
        "nm" or "nanometer" or "nanometre" => "nm",
        "mm" or "millimeter" or "millimetre" => "mm",
        "m" or "meter" or "metre" => "m",
        "å" or "angstrom" => "Å",
        _ => unit,
    };
}
