namespace NeuroLens.Build.Tests;

public sealed class LibstdcxxFixTests : IDisposable
{
    private const string Target = "GLIBCXX_3.4.32";
    private readonly string _folder = Directory.CreateTempSubdirectory("neurolens-elf-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (byte[] Bytes, Dictionary<string, long> Offsets) Library(ushort flags = 0) =>
        new ElfBuilder()
            .Need("libc.so.6", ("GLIBC_2.2.5", 0))
            .Need("libstdc++.so.6", ("GLIBCXX_3.4", 0), (Target, flags), ("CXXABI_1.3", 0))
            .Build();

    private static readonly HashSet<string> Gcc12 = new() { "GLIBCXX_3.4", "GLIBCXX_3.4.30", "CXXABI_1.3" };

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void ReadsEveryRequirementWithItsLibraryAndFlagsOffset()
    {
        var (bytes, offsets) = Library();
        var needs = ElfVersions.ReadNeeds(bytes, "lib.so");
        Assert.Equal(new[] { "GLIBC_2.2.5", "GLIBCXX_3.4", Target, "CXXABI_1.3" }, needs.Select(n => n.Version));
        Assert.Equal(new[] { "libc.so.6", "libstdc++.so.6", "libstdc++.so.6", "libstdc++.so.6" }, needs.Select(n => n.File));
        Assert.All(needs, n => Assert.Equal(offsets[n.Version], n.FlagsOffset));
        Assert.All(needs, n => Assert.False(n.IsWeak));
    }

    [Fact]
    public void ReadsVersionDefinitions()
    {
        var (bytes, _) = new ElfBuilder().Need("libc.so.6", ("GLIBC_2.2.5", 0)).Define("libstdc++.so.6", "GLIBCXX_3.4", "GLIBCXX_3.4.30").Build();
        Assert.Equal(new HashSet<string> { "libstdc++.so.6", "GLIBCXX_3.4", "GLIBCXX_3.4.30" }, ElfVersions.ReadDefinitions(bytes, "libstdc++.so.6"));
    }

    [Fact]
    public void PatchSetsOnlyTheWeakFlagOfTheMissingVersion()
    {
        var (original, offsets) = Library();
        var path = Write("lib.so", original);

        Assert.Equal(LibstdcxxFixOutcome.Patched, LibstdcxxFix.Apply(path, Gcc12, Target));

        var patched = File.ReadAllBytes(path);
        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        Assert.Equal(new[] { (int)offsets[Target] }, changed);
        Assert.Equal(ElfVersions.VerFlagWeak, patched[offsets[Target]]);
        Assert.True(ElfVersions.ReadNeeds(patched, path).Single(n => n.Version == Target).IsWeak);
        Assert.Equal(LibstdcxxFixOutcome.AlreadyWeak, LibstdcxxFix.Apply(path, Gcc12, Target));
        Assert.Empty(Directory.GetFiles(_folder, "*tmp*"));
    }

    [Fact]
    public void PatchReplacesTheFileSoAHardLinkedOriginalIsUntouched()
    {
        var (original, _) = Library();
        var cached = Write("cached.so", original);
        var output = Path.Combine(_folder, "output.so");
        Assert.Equal(0, Link(cached, output));

        LibstdcxxFix.Apply(output, Gcc12, Target);

        Assert.Equal(original, File.ReadAllBytes(cached));
        Assert.NotEqual(original, File.ReadAllBytes(output));
    }

    [Fact]
    public void NothingChangesWhenTheSystemProvidesTheVersion()
    {
        var (original, _) = Library();
        var path = Write("lib.so", original);
        var newer = new HashSet<string>(Gcc12) { Target };
        Assert.Equal(LibstdcxxFixOutcome.NotNeeded, LibstdcxxFix.Apply(path, newer, Target));
        Assert.Equal(original, File.ReadAllBytes(path));
    }

    [Fact]
    public void AnotherMissingVersionFailsClearlyAndLeavesTheFile()
    {
        var (original, _) = new ElfBuilder().Need("libstdc++.so.6", (Target, 0), ("GLIBCXX_3.4.33", 0)).Build();
        var path = Write("lib.so", original);
        var e = Assert.Throws<ElfFormatException>(() => LibstdcxxFix.Apply(path, Gcc12, Target));
        Assert.Contains("GLIBCXX_3.4.33", e.Message);
        Assert.Contains(path, e.Message);
        Assert.Equal(original, File.ReadAllBytes(path));
    }

    public static TheoryData<string, Func<byte[], byte[]>> Corruptions => new()
    {
        { "bad magic", b => { b[1] = (byte)'X'; return b; } },
        { "ELF class 1", b => { b[4] = 1; return b; } },
        { "big-endian", b => { b[5] = 2; return b; } },
        { "section header table", b => { b[0x28] = 0xff; b[0x2f] = 0x7f; return b; } },
        { "section header size", b => { b[0x3a] = 40; return b; } },
        { "truncated", b => b[..(b.Length - 70)] },
        { "string index", b => CorruptVernauxName(b) },
        { "too short", b => b[..40] },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void MalformedFilesGetOneLineErrors(string what, Func<byte[], byte[]> corrupt)
    {
        var bytes = corrupt(Library().Bytes);
        var e = Assert.Throws<ElfFormatException>(() => ElfVersions.ReadNeeds(bytes, "broken.so"));
        Assert.StartsWith("broken.so: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(string.IsNullOrWhiteSpace(what));
    }

    private static byte[] CorruptVernauxName(byte[] bytes)
    {
        var (_, offsets) = Library();
        long nameField = offsets[Target] + 4; // vna_flags(2) + vna_other(2), then vna_name
        bytes[nameField + 3] = 0x7f;
        return bytes;
    }

    [SkippableFact]
    public void TheShippedLibraryNeedsExactlyTheVersionThePlatformNotesName()
    {
        string? shipped = ShippedLibTorchSharp();
        Skip.If(shipped is null, "TorchSharp's linux-x64 native is not in the NuGet cache");
        var needs = ElfVersions.ReadNeeds(File.ReadAllBytes(shipped!), shipped!);
        var need = Assert.Single(needs, n => n.Version == Target);
        Assert.Equal("libstdc++.so.6", need.File);
        Assert.False(need.IsWeak);
    }

    [SkippableFact]
    public void TheBuildOutputCopyDiffersFromTheShippedOneOnlyWhereTheSystemNeedsIt()
    {
        string? shipped = ShippedLibTorchSharp();
        var system = LibstdcxxFix.SystemVersions(out _);
        Skip.If(shipped is null || system is null, "needs TorchSharp's linux-x64 native and a system libstdc++");
        var output = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        byte[] a = File.ReadAllBytes(shipped!), b = File.ReadAllBytes(output);
        var differing = Enumerable.Range(0, a.Length).Count(i => a[i] != b[i]);
        Assert.Equal(a.Length, b.Length);
        Assert.Equal(system!.Contains(Target) ? 0 : 1, differing);
        Assert.Equal(!system.Contains(Target), ElfVersions.ReadNeeds(b, output).Single(n => n.Version == Target).IsWeak);
    }

    private static string? ShippedLibTorchSharp()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        return File.Exists(path) ? path : null;
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int link(string oldpath, string newpath);

    private static int Link(string from, string to) => link(from, to);
}
