using NeuroLens.Core;

namespace NeuroLens.Models.Data;

/// <summary>
/// Text pairs for retrieval, one per line as <c>a&lt;TAB&gt;b</c> (the first tab splits; both sides
/// trimmed, both non-empty); blank lines are skipped.
/// </summary>
public static class TextPairs
{
    /// <summary>Reads a pairs file.</summary>
    /// <exception cref="NeuroLensException">A line without a tab or with an empty side (naming the line), or no pairs.</exception>
    public static IReadOnlyList<(string A, string B)> Read(string path)
    {
        var pairs = new List<(string, string)>();
        int number = 0;
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                number++;
                if (line.Trim().Length == 0) continue;
                int tab = line.IndexOf('\t');
                if (tab < 0) throw new NeuroLensException($"{path}:{number}: a line 'a<TAB>b' is expected, found no tab");
                string a = line[..tab].Trim(), b = line[(tab + 1)..].Trim();
                if (a.Length == 0 || b.Length == 0) throw new NeuroLensException($"{path}:{number}: both sides of the tab must hold text");
                pairs.Add((a, b));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NeuroLensException($"{path}: cannot read the pairs file: {e.Message}", e);
        }
        if (pairs.Count == 0) throw new NeuroLensException($"{path}: no text pairs");
        return pairs;
    }
}
