// The libstdc++ compatibility fix for TorchSharp's native wrapper, run by MSBuild as an inline task
// (build/LibTorchSharpFix.targets) and unit-tested by tests/NeuroLens.Build.Tests.
//
// Why: TorchSharp 0.107.0's libLibTorchSharp.so was linked against GCC 13's libstdc++, whose <iostream>
// pins GLIBCXX_3.4.32 through a bare reference to std::ios_base_library_init(). Debian 12's libstdc++
// (GCC 12) stops at GLIBCXX_3.4.30, so the loader refuses the library although nothing calls that
// symbol. Marking the version requirement weak (VER_FLG_WEAK in its Elf64_Vernaux record) makes the
// loader treat it as optional. See shared/design/platform-notes.md.
//
// This file is compiled by RoslynCodeTaskFactory against netstandard2.0: no Span, no newer File APIs.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace NeuroLens.Build
{
    /// <summary>A malformed or unexpected ELF file; the message names the file and the structure.</summary>
    public sealed class ElfFormatException : Exception
    {
        /// <summary>Creates the exception with its one-line message.</summary>
        public ElfFormatException(string message) : base(message) { }
    }

    /// <summary>One version requirement of a shared library (an Elf64_Vernaux record).</summary>
    public sealed class ElfVersionNeed
    {
        /// <summary>The library the version is required from, e.g. <c>libstdc++.so.6</c>.</summary>
        public string File { get; set; } = "";
        /// <summary>The version name, e.g. <c>GLIBCXX_3.4.32</c>.</summary>
        public string Version { get; set; } = "";
        /// <summary>The vna_flags field.</summary>
        public ushort Flags { get; set; }
        /// <summary>Byte offset of the vna_flags field in the file.</summary>
        public long FlagsOffset { get; set; }
        /// <summary>Whether VER_FLG_WEAK is set.</summary>
        public bool IsWeak => (Flags & ElfVersions.VerFlagWeak) != 0;
    }

    /// <summary>
    /// Reads the symbol-version sections of an ELF64 little-endian shared library by walking its
    /// structures (file header → section headers → linked string table → verneed/verdef chains).
    /// Every offset and count is checked against the file before it is used.
    /// </summary>
    public static class ElfVersions
    {
        /// <summary>VER_FLG_WEAK: the version requirement is optional.</summary>
        public const ushort VerFlagWeak = 0x2;
        private const uint ShtGnuVerdef = 0x6ffffffd;
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const int MaxRecords = 1 << 16;

        /// <summary>Every version requirement (.gnu.version_r) of the library in <paramref name="elf"/>.</summary>
        public static List<ElfVersionNeed> ReadNeeds(byte[] elf, string name)
        {
            var result = new List<ElfVersionNeed>();
            foreach (var section in Sections(elf, name).Where(s => s.Type == ShtGnuVerneed))
            {
                var strtab = LinkedStringTable(elf, name, section);
                long offset = section.Offset;
                for (int i = 0; i < section.Info; i++)
                {
                    Require(elf, name, offset, 16, ".gnu.version_r Elf64_Verneed record", section);
                    ushort version = U16(elf, offset);
                    if (version != 1)
                        throw new ElfFormatException($"{name}: Elf64_Verneed version is {version}, expected 1.");
                    ushort count = U16(elf, offset + 2);
                    string file = String(elf, name, strtab, U32(elf, offset + 4));
                    long aux = offset + U32(elf, offset + 8);
                    for (int j = 0; j < count; j++)
                    {
                        Require(elf, name, aux, 16, ".gnu.version_r Elf64_Vernaux record", section);
                        result.Add(new ElfVersionNeed
                        {
                            File = file,
                            Flags = U16(elf, aux + 4),
                            FlagsOffset = aux + 4,
                            Version = String(elf, name, strtab, U32(elf, aux + 8)),
                        });
                        uint nextAux = U32(elf, aux + 12);
                        if (nextAux == 0 && j + 1 < count)
                            throw new ElfFormatException($"{name}: Elf64_Vernaux chain of {file} ends after {j + 1} of {count} records.");
                        aux += nextAux;
                    }
                    uint next = U32(elf, offset + 12);
                    if (next == 0 && i + 1 < section.Info)
                        throw new ElfFormatException($"{name}: Elf64_Verneed chain ends after {i + 1} of {section.Info} records.");
                    offset += next;
                }
            }
            return result;
        }

        /// <summary>Every version the library in <paramref name="elf"/> defines (.gnu.version_d).</summary>
        public static HashSet<string> ReadDefinitions(byte[] elf, string name)
        {
            var result = new HashSet<string>(StringComparer.Ordinal);
            foreach (var section in Sections(elf, name).Where(s => s.Type == ShtGnuVerdef))
            {
                var strtab = LinkedStringTable(elf, name, section);
                long offset = section.Offset;
                for (int i = 0; i < section.Info; i++)
                {
                    Require(elf, name, offset, 20, ".gnu.version_d Elf64_Verdef record", section);
                    ushort count = U16(elf, offset + 6);
                    long aux = offset + U32(elf, offset + 12);
                    if (count > 0)
                    {
                        // The first Elf64_Verdaux names the version itself; later ones name its parents.
                        Require(elf, name, aux, 8, ".gnu.version_d Elf64_Verdaux record", section);
                        result.Add(String(elf, name, strtab, U32(elf, aux)));
                    }
                    uint next = U32(elf, offset + 16);
                    if (next == 0) break;
                    offset += next;
                }
            }
            return result;
        }

        private struct Section
        {
            public uint Type;
            public long Offset;
            public long Size;
            public uint Link;
            public uint Info;
        }

        private static List<Section> Sections(byte[] elf, string name)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new ElfFormatException($"{name}: not an ELF file (bad magic).");
            if (elf[4] != 2)
                throw new ElfFormatException($"{name}: ELF class {elf[4]}, expected 2 (ELF64).");
            if (elf[5] != 1)
                throw new ElfFormatException($"{name}: ELF data encoding {elf[5]}, expected 1 (little-endian).");
            long shoff = (long)U64(elf, 0x28);
            ushort shentsize = U16(elf, 0x3a);
            ushort shnum = U16(elf, 0x3c);
            if (shentsize != 64)
                throw new ElfFormatException($"{name}: section header size {shentsize}, expected 64.");
            if (shoff <= 0 || shoff > elf.Length || (long)shnum * 64 > elf.Length - shoff)
                throw new ElfFormatException($"{name}: section header table ({shnum} entries at offset {shoff}) lies outside the file ({elf.Length} bytes).");
            var sections = new List<Section>(shnum);
            for (int i = 0; i < shnum; i++)
            {
                long h = shoff + 64L * i;
                var s = new Section
                {
                    Type = U32(elf, h + 4),
                    Offset = (long)U64(elf, h + 0x18),
                    Size = (long)U64(elf, h + 0x20),
                    Link = U32(elf, h + 0x28),
                    Info = U32(elf, h + 0x2c),
                };
                bool noBits = s.Type == 8; // SHT_NOBITS occupies no file space
                if (!noBits && (s.Offset < 0 || s.Size < 0 || s.Offset > elf.Length || s.Size > elf.Length - s.Offset))
                    throw new ElfFormatException($"{name}: section {i} (offset {s.Offset}, size {s.Size}) lies outside the file.");
                if ((s.Type == ShtGnuVerneed || s.Type == ShtGnuVerdef) && s.Info > MaxRecords)
                    throw new ElfFormatException($"{name}: section {i} claims {s.Info} version records.");
                sections.Add(s);
            }
            return sections;
        }

        private static Section LinkedStringTable(byte[] elf, string name, Section section)
        {
            var all = Sections(elf, name);
            if (section.Link == 0 || section.Link >= all.Count || all[(int)section.Link].Type != 3)
                throw new ElfFormatException($"{name}: version section links to section {section.Link}, which is not a string table.");
            return all[(int)section.Link];
        }

        private static void Require(byte[] elf, string name, long offset, int length, string what, Section section)
        {
            if (offset < section.Offset || offset + length > section.Offset + section.Size)
                throw new ElfFormatException($"{name}: {what} at offset {offset} lies outside its section.");
        }

        private static string String(byte[] elf, string name, Section strtab, uint index)
        {
            if (index >= strtab.Size)
                throw new ElfFormatException($"{name}: string index {index} outside the string table ({strtab.Size} bytes).");
            long start = strtab.Offset + index, end = start;
            long limit = strtab.Offset + strtab.Size;
            while (end < limit && elf[end] != 0) end++;
            if (end == limit)
                throw new ElfFormatException($"{name}: unterminated string at string-table index {index}.");
            return Encoding.ASCII.GetString(elf, (int)start, (int)(end - start));
        }

        private static ushort U16(byte[] b, long o) => (ushort)(b[o] | b[o + 1] << 8);
        private static uint U32(byte[] b, long o) => (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24);
        private static ulong U64(byte[] b, long o) => U32(b, o) | (ulong)U32(b, o + 4) << 32;
    }

    /// <summary>What <see cref="LibstdcxxFix.Apply"/> did to one library.</summary>
    public enum LibstdcxxFixOutcome
    {
        /// <summary>The library needs no version the system lacks.</summary>
        NotNeeded,
        /// <summary>The requirement was already weak.</summary>
        AlreadyWeak,
        /// <summary>The requirement was made weak.</summary>
        Patched,
    }

    /// <summary>The fix itself: weaken one libstdc++ version requirement the system cannot satisfy.</summary>
    public static class LibstdcxxFix
    {
        /// <summary>
        /// Makes <paramref name="version"/> optional in <paramref name="library"/> when the system's
        /// libstdc++ lacks it. Throws <see cref="ElfFormatException"/> when the library needs any other
        /// libstdc++ version the system lacks (the fix could not help). The file is replaced by a new
        /// one (write a temporary copy, rename over), never edited in place, because build outputs may
        /// be hard links into the NuGet cache.
        /// </summary>
        public static LibstdcxxFixOutcome Apply(string library, ISet<string> systemVersions, string version)
        {
            byte[] bytes = File.ReadAllBytes(library);
            var needs = ElfVersions.ReadNeeds(bytes, library)
                .Where(n => n.File.StartsWith("libstdc++.so", StringComparison.Ordinal)).ToList();
            var missing = needs.Where(n => !systemVersions.Contains(n.Version)).ToList();
            var others = missing.Where(n => n.Version != version && !n.IsWeak).Select(n => n.Version).ToList();
            if (others.Count > 0)
                throw new ElfFormatException($"{library}: needs {string.Join(", ", others)} from libstdc++, which this system lacks; only {version} can be made optional. Install a newer libstdc++6.");
            var target = missing.FirstOrDefault(n => n.Version == version);
            if (target == null) return LibstdcxxFixOutcome.NotNeeded;
            if (target.IsWeak) return LibstdcxxFixOutcome.AlreadyWeak;

            ushort flags = (ushort)(target.Flags | ElfVersions.VerFlagWeak);
            string temp = library + ".neurolens-tmp";
            File.Copy(library, temp, overwrite: true); // keeps the file mode
            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.Write))
            {
                stream.Position = target.FlagsOffset;
                stream.WriteByte((byte)(flags & 0xff));
                stream.WriteByte((byte)(flags >> 8));
            }
            File.Replace(temp, library, null); // rename(2): the old link to the package cache is untouched
            return LibstdcxxFixOutcome.Patched;
        }

        /// <summary>The versions defined by the first libstdc++.so.6 found in the usual library folders, or null.</summary>
        public static HashSet<string>? SystemVersions(out string? path)
        {
            var folders = new List<string>();
            string? ldPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(ldPath)) folders.AddRange(ldPath!.Split(':').Where(f => f.Length > 0));
            folders.AddRange(new[]
            {
                "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
                "/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib",
            });
            foreach (var folder in folders)
            {
                string candidate = Path.Combine(folder, "libstdc++.so.6");
                if (!File.Exists(candidate)) continue;
                path = candidate;
                return ElfVersions.ReadDefinitions(File.ReadAllBytes(candidate), candidate);
            }
            path = null;
            return null;
        }
    }

    /// <summary>MSBuild task: applies <see cref="LibstdcxxFix"/> to every given copy of libLibTorchSharp.so.</summary>
    public sealed class WeakenMissingLibstdcxxVersion : Microsoft.Build.Utilities.Task
    {
        /// <summary>The copies of libLibTorchSharp.so in an output or publish folder.</summary>
        [Required]
        public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>The version requirement to weaken.</summary>
        public string Version { get; set; } = "GLIBCXX_3.4.32";

        /// <inheritdoc />
        public override bool Execute()
        {
            if (Libraries.Length == 0) return true;
            try
            {
                var system = LibstdcxxFix.SystemVersions(out string? systemPath);
                if (system == null)
                {
                    Log.LogWarning("NeuroLens: no libstdc++.so.6 found in the usual library folders; libLibTorchSharp.so left as shipped.");
                    return true;
                }
                if (system.Contains(Version))
                {
                    Log.LogMessage(MessageImportance.Low, $"NeuroLens: {systemPath} provides {Version}; no libstdc++ fix needed.");
                    return true;
                }
                foreach (var item in Libraries)
                {
                    var outcome = LibstdcxxFix.Apply(item.ItemSpec, system, Version);
                    Log.LogMessage(MessageImportance.Normal, $"NeuroLens: {item.ItemSpec}: {Version} {outcome}.");
                }
                return true;
            }
            catch (Exception e) when (e is ElfFormatException || e is IOException || e is UnauthorizedAccessException)
            {
                Log.LogError($"NeuroLens libstdc++ fix failed: {e.Message}");
                return false;
            }
        }
    }
}
