using NeuroLens.Core;
using NeuroLens.Models.Data;

namespace NeuroLens.Models.Tests.Data;

/// <summary>Windows, lines and pairs: counts, the dropped tail, padding, truncation and errors.</summary>
public sealed class TextDataTests : IDisposable
{
    private static readonly string[] Words = ["w0", "w1", "w2", "w3", "w4", "w5", "w6"];
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void WindowsAreConsecutiveNonOverlappingAndDropTheTail()
    {
        var path = _folder.File("text.txt");
        File.WriteAllText(path, "w0 w1 w2\nw3 w4 w5 w6\n\nw0 w1 w2 w3");
        var windows = TextWindows.FromFile(path, new WordTokenizer(Words), 3);
        Assert.Equal(11, windows.StreamLength);
        Assert.Equal(3, windows.Count);
        Assert.Equal(2, windows.DroppedTokens);
        Assert.Equal([4, 5, 6], windows.Window(0));
        Assert.Equal([7, 8, 9], windows.Window(1));
        Assert.Equal([10, 4, 5], windows.Window(2));
        var token = windows.WindowTokens(1)[1];
        Assert.Equal("w4", windows.Text.Substring(token.Start, token.Length));
        var batches = windows.Batches(2).ToList();
        Assert.Equal([2L, 1L], batches.Select(b => b.InputIds.shape[0]));
        Assert.Equal([4L, 5, 6, 7, 8, 9], batches[0].InputIds.data<long>().ToArray());
        Assert.Equal([10L, 4, 5], batches[1].InputIds.data<long>().ToArray());
        Assert.All(batches, b => Assert.Equal(b.InputIds.numel(), b.AttentionMask.sum().item<long>()));
        Assert.Single(windows.Batches(2, maxWindows: 1));
        foreach (var b in batches) b.Dispose();
        Assert.Throws<NeuroLensException>(() => TextWindows.FromFile(_folder.File("missing.txt"), new WordTokenizer(Words), 3));
        Assert.Throws<NeuroLensException>(() => TextWindows.FromText("w0", new WordTokenizer(Words), 1));
    }

    [Fact]
    public void LinesArePaddedOnTheRightAndTruncated()
    {
        var path = _folder.File("lines.txt");
        File.WriteAllText(path, "  w0 w1 \n\nw2\nw3 w4 w5 w6 w0 w1\n");
        var lines = TextLines.FromFile(path);
        Assert.Equal(["w0 w1", "w2", "w3 w4 w5 w6 w0 w1"], lines.Texts);
        using var batch = lines.Batches(new WordTokenizer(Words), 8, maxLength: 5).Single();
        Assert.Equal(new long[] { 2, 4, 5, 3, 0, 2, 6, 3, 0, 0, 2, 7, 8, 9, 10 }, batch.InputIds.data<long>().ToArray());
        Assert.Equal(new long[] { 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1 }, batch.AttentionMask.data<long>().ToArray());
        Assert.Equal(2, lines.Batches(new WordTokenizer(Words), 2, 5).Count());
    }

    [Fact]
    public void PairsAreTabSeparatedAndErrorsNameTheLine()
    {
        var path = _folder.File("pairs.tsv");
        File.WriteAllText(path, "a cat\tun chat\n\n a dog \tun chien\n");
        Assert.Equal([("a cat", "un chat"), ("a dog", "un chien")], TextPairs.Read(path));
        File.WriteAllText(path, "a cat\tun chat\nno tab here\n");
        Assert.Contains("pairs.tsv:2:", Assert.Throws<NeuroLensException>(() => TextPairs.Read(path)).Message);
        File.WriteAllText(path, "a cat\t \n");
        Assert.Contains("both sides", Assert.Throws<NeuroLensException>(() => TextPairs.Read(path)).Message);
        File.WriteAllText(path, "\n");
        Assert.Contains("no text pairs", Assert.Throws<NeuroLensException>(() => TextPairs.Read(path)).Message);
    }
}
