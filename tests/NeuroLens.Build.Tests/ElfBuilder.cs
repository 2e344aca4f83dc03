using System.Text;

namespace NeuroLens.Build.Tests;

/// <summary>
/// Builds minimal ELF64 little-endian files with a string table, a .gnu.version_r section (one
/// Elf64_Verneed per library, Elf64_Vernaux per version) and optionally a .gnu.version_d section —
/// enough structure for the libstdc++ fix to walk, laid out independently of the code under test.
/// </summary>
internal sealed class ElfBuilder
{
    private readonly List<(string File, List<(string Version, ushort Flags)> Versions)> _needs = new();
    private readonly List<string> _definitions = new();

    public ElfBuilder Need(string file, params (string Version, ushort Flags)[] versions)
    {
        _needs.Add((file, versions.ToList()));
        return this;
    }

    public ElfBuilder Define(params string[] versions)
    {
        _definitions.AddRange(versions);
        return this;
    }

    /// <summary>The file bytes, and the offset of each Vernaux flags field by version name.</summary>
    public (byte[] Bytes, Dictionary<string, long> FlagsOffsets) Build()
    {
        var strtab = new MemoryStream();
        strtab.WriteByte(0);
        var names = new Dictionary<string, uint>();
        uint Str(string s)
        {
            if (names.TryGetValue(s, out var index)) return index;
            index = (uint)strtab.Length;
            var bytes = Encoding.ASCII.GetBytes(s);
            strtab.Write(bytes);
            strtab.WriteByte(0);
            names[s] = index;
            return index;
        }

        // .gnu.version_r: records placed back to back, Verneed followed by its Vernaux entries.
        var verneed = new MemoryStream();
        var flagsInSection = new Dictionary<string, long>();
        for (int i = 0; i < _needs.Count; i++)
        {
            var (library, versions) = _needs[i];
            int size = 16 + 16 * versions.Count;
            W16(verneed, 1);
            W16(verneed, (ushort)versions.Count);
            W32(verneed, Str(library));
            W32(verneed, 16);
            W32(verneed, i + 1 < _needs.Count ? (uint)size : 0);
            for (int j = 0; j < versions.Count; j++)
            {
                W32(verneed, 0x1234);
                flagsInSection[versions[j].Version] = verneed.Length;
                W16(verneed, versions[j].Flags);
                W16(verneed, (ushort)(j + 2));
                W32(verneed, Str(versions[j].Version));
                W32(verneed, j + 1 < versions.Count ? 16u : 0u);
            }
        }

        var verdef = new MemoryStream();
        for (int i = 0; i < _definitions.Count; i++)
        {
            W16(verdef, 1);
            W16(verdef, 0);
            W16(verdef, (ushort)(i + 1));
            W16(verdef, 1);
            W32(verdef, 0x5678);
            W32(verdef, 20);
            W32(verdef, i + 1 < _definitions.Count ? 28u : 0u);
            W32(verdef, Str(_definitions[i]));
            W32(verdef, 0);
        }

        byte[] str = strtab.ToArray(), vr = verneed.ToArray(), vd = verdef.ToArray();
        long strOffset = 64, vrOffset = strOffset + str.Length, vdOffset = vrOffset + vr.Length;
        long shoff = (vdOffset + vd.Length + 7) / 8 * 8;
        int shnum = _definitions.Count > 0 ? 4 : 3;

        var file = new MemoryStream();
        file.Write(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0 });
        file.Write(new byte[8]);
        W16(file, 3);      // e_type ET_DYN
        W16(file, 62);     // e_machine x86-64
        W32(file, 1);      // e_version
        W64(file, 0);      // e_entry
        W64(file, 0);      // e_phoff
        W64(file, (ulong)shoff);
        W32(file, 0);      // e_flags
        W16(file, 64);     // e_ehsize
        W16(file, 56);     // e_phentsize
        W16(file, 0);      // e_phnum
        W16(file, 64);     // e_shentsize
        W16(file, (ushort)shnum);
        W16(file, 0);      // e_shstrndx
        file.Write(str);
        file.Write(vr);
        file.Write(vd);
        while (file.Length < shoff) file.WriteByte(0);
        Section(file, 0, 0, 0, 0, 0);
        Section(file, 3, strOffset, str.Length, 0, 0);
        Section(file, 0x6ffffffe, vrOffset, vr.Length, 1, (uint)_needs.Count);
        if (_definitions.Count > 0) Section(file, 0x6ffffffd, vdOffset, vd.Length, 1, (uint)_definitions.Count);

        var offsets = flagsInSection.ToDictionary(kv => kv.Key, kv => vrOffset + kv.Value);
        return (file.ToArray(), offsets);
    }

    private static void Section(Stream s, uint type, long offset, long size, uint link, uint info)
    {
        W32(s, 0); W32(s, type); W64(s, 0); W64(s, 0);
        W64(s, (ulong)offset); W64(s, (ulong)size);
        W32(s, link); W32(s, info); W64(s, 0); W64(s, 0);
    }

    private static void W16(Stream s, ushort v) => s.Write(BitConverter.GetBytes(v));
    private static void W32(Stream s, uint v) => s.Write(BitConverter.GetBytes(v));
    private static void W32(Stream s, int v) => s.Write(BitConverter.GetBytes(v));
    private static void W64(Stream s, ulong v) => s.Write(BitConverter.GetBytes(v));
}
