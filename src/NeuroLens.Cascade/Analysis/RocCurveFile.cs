using System.Globalization;
using NeuroLens.Core;

namespace NeuroLens.Cascade.Analysis;

/// <summary>
/// Reads per-level ROC curves from CSV: a header naming the columns <c>level</c>, <c>threshold</c>,
/// <c>tpr</c> and <c>fpr</c> (any order; other columns ignored), then one operating point per line.
/// </summary>
/// <remarks>
/// Levels are 0 (full resolution) upwards and must be contiguous from 0; each needs at least one point.
/// Numbers use the invariant culture; fields are not quoted. Blank lines are skipped. Files over 64 MiB
/// are refused. Every error names the file, the line and the field.
/// </remarks>
public static class RocCurveFile
{
    private const long MaxBytes = 64L << 20;

    /// <summary>Reads the curves, level 0 first, points in file order.</summary>
    /// <param name="path">The CSV file.</param>
    /// <returns>One list of operating points per level.</returns>
    /// <exception cref="NeuroLensException">The file is missing, too large or malformed.</exception>
    public static IReadOnlyList<IReadOnlyList<OperatingPoint>> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (!info.Exists) throw new NeuroLensException($"{path}: no such ROC file.");
        if (info.Length > MaxBytes) throw new NeuroLensException($"{path}: {info.Length} bytes; ROC files over {MaxBytes} bytes are refused.");
        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0 || string.IsNullOrWhiteSpace(lines[0]))
            throw new NeuroLensException($"{path}: empty; expected a header with columns level,threshold,tpr,fpr.");
        var header = lines[0].Split(',').Select(h => h.Trim().ToLowerInvariant()).ToList();
        int Column(string name) => header.IndexOf(name) is var i and >= 0 ? i
            : throw new NeuroLensException($"{path}: line 1: no '{name}' column; expected columns level,threshold,tpr,fpr.");
        int levelColumn = Column("level"), thresholdColumn = Column("threshold"), tprColumn = Column("tpr"), fprColumn = Column("fpr");
        var curves = new SortedDictionary<int, List<OperatingPoint>>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            string[] fields = lines[i].Split(',');
            if (fields.Length != header.Count)
                throw new NeuroLensException($"{path}: line {i + 1}: {fields.Length} fields, expected {header.Count}.");
            double Number(int column, string name, double lo, double hi)
            {
                if (!double.TryParse(fields[column].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double x) || !(x >= lo && x <= hi))
                    throw new NeuroLensException($"{path}: line {i + 1}: {name} '{fields[column].Trim()}' is not a number in [{lo}, {hi}].");
                return x;
            }
            double level = Number(levelColumn, "level", 0, 63);
            if (level != Math.Floor(level))
                throw new NeuroLensException($"{path}: line {i + 1}: level '{fields[levelColumn].Trim()}' is not a whole number.");
            var point = new OperatingPoint(Number(thresholdColumn, "threshold", double.MinValue, double.MaxValue),
                Number(tprColumn, "tpr", 0, 1), Number(fprColumn, "fpr", 0, 1));
            if (!curves.TryGetValue((int)level, out var list)) curves[(int)level] = list = [];
            list.Add(point);
        }
        if (curves.Count == 0) throw new NeuroLensException($"{path}: no operating points after the header.");
        if (curves.Keys.Last() != curves.Count - 1)
            throw new NeuroLensException($"{path}: levels {string.Join(", ", curves.Keys)} are not contiguous from 0.");
        return curves.Values.Select(l => (IReadOnlyList<OperatingPoint>)l).ToList();
    }
}
