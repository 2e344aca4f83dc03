using NeuroLens.Core.IO;
using NeuroLens.Core.Reports;

namespace NeuroLens.Core.Tests.IO;

public class AtomicFileTests
{
    [Fact]
    public void WritesContentAndLeavesNoTemporaryFile()
    {
        using var dir = new TempFolder();
        string path = dir.File("a/b/out.txt");
        AtomicFile.WriteAllText(path, "hello ✓");
        Assert.Equal("hello ✓"u8.ToArray(), File.ReadAllBytes(path)); // UTF-8, no byte-order mark
        Assert.Equal([Path.Combine("a", "b", "out.txt")], dir.Files());
    }

    [Fact]
    public void ReplacesExistingFile()
    {
        using var dir = new TempFolder();
        string path = dir.File("out.bin");
        AtomicFile.WriteAllBytes(path, [1, 2, 3, 4, 5]);
        AtomicFile.WriteAllBytes(path, [9]);
        Assert.Equal(new byte[] { 9 }, File.ReadAllBytes(path));
        Assert.Equal(["out.bin"], dir.Files());
    }

    [Fact]
    public void WriterThatThrowsMidwayKeepsOldContentAndLeavesNoTemporaryFile()
    {
        using var dir = new TempFolder();
        string path = dir.File("results.json");
        AtomicFile.WriteAllText(path, "old content");

        var ex = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("new content that is half"u8);
            stream.Flush();
            throw new InvalidOperationException("interrupted");
        }));

        Assert.Equal("interrupted", ex.Message);
        Assert.Equal("old content", File.ReadAllText(path));
        Assert.Equal(["results.json"], dir.Files());
    }

    [Fact]
    public void WriterIOExceptionBecomesOneLineErrorNamingThePath()
    {
        using var dir = new TempFolder();
        string path = dir.File("x.csv");
        var ex = Assert.Throws<NeuroLensException>(() => AtomicFile.Write(path, _ => throw new IOException("disk full")));
        Assert.Equal($"{path}: cannot write file (disk full)", ex.Message);
        Assert.False(File.Exists(path));
        Assert.Empty(dir.Files());
    }

    [Fact]
    public void UnwritableTargetGivesNeuroLensExceptionNamingThePath()
    {
        using var dir = new TempFolder();
        string folderInTheWay = dir.File("taken");
        Directory.CreateDirectory(folderInTheWay);
        var ex = Assert.Throws<NeuroLensException>(() => AtomicFile.WriteAllText(folderInTheWay, "x"));
        Assert.Contains(folderInTheWay, ex.Message);
        Assert.Empty(dir.Files());
    }
}
