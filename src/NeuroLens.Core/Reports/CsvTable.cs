using NeuroLens.Core.IO;
using System.Globalization;
using System.Text;

namespace NeuroLens.Core.Reports;

/// <summary>
/// A table of named columns and rows of strings and numbers, written as CSV (RFC 4180) for pandas,
/// R and spreadsheets, and shown in reports.
/// </summary>
/// <remarks>
/// <para>
/// Format: a header line with the column names, then one line per row; fields are separated by
/// commas and lines end in CRLF as RFC 4180 specifies; a field containing a comma, a double quote,
/// CR or LF (or starting or ending with a space) is enclosed in double quotes, with inner quotes
/// doubled. UTF-8 without byte-order mark.
/// </para>
/// <para>
/// Numbers use the invariant culture. Doubles and floats are written in their shortest round-trip
/// form (<c>"R"</c>), so parsing the text gives back the identical value. Non-finite values are
/// written <c>NaN</c>, <c>Inf</c> and <c>-Inf</c>, which pandas, NumPy, R and Python's
/// <c>float()</c> all read as the corresponding number. A null cell is an empty field (missing value).
/// Booleans are written <c>true</c>/<c>false</c>.
/// </para>
/// </remarks>
public sealed class CsvTable
{
    private readonly string[] _columns;
    private readonly List<object?[]> _rows = [];

    /// <summary>Creates an empty table with the given column names.</summary>
    /// <param name="columns">Column names; at least one, none empty, all distinct.</param>
    public CsvTable(params IEnumerable<string> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = columns.ToArray();
        if (_columns.Length == 0)
            throw new ArgumentException("a table needs at least one column", nameof(columns));
        if (_columns.Any(string.IsNullOrEmpty))
            throw new ArgumentException("column names must not be empty", nameof(columns));
        if (_columns.Distinct(StringComparer.Ordinal).Count() != _columns.Length)
            throw new ArgumentException("column names must be distinct", nameof(columns));
    }

    /// <summary>The column names.</summary>
    public IReadOnlyList<string> Columns => _columns;

    /// <summary>The rows; each has one cell per column (a string, a number, a bool or null).</summary>
    public IReadOnlyList<IReadOnlyList<object?>> Rows => _rows;

    /// <summary>Appends a row.</summary>
    /// <param name="cells">
    /// One cell per column: <see cref="string"/>, <see cref="double"/>, <see cref="float"/>,
    /// <see cref="decimal"/>, any integer type, <see cref="bool"/> or null.
    /// </param>
    /// <returns>This table, for chaining.</returns>
    public CsvTable AddRow(params object?[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length != _columns.Length)
            throw new ArgumentException($"expected {_columns.Length} cells (one per column), got {cells.Length}", nameof(cells));
        foreach (object? cell in cells)
        {
            if (!IsSupported(cell))
                throw new ArgumentException($"unsupported cell type {cell!.GetType().Name}; expected string, number, bool or null", nameof(cells));
        }
        _rows.Add((object?[])cells.Clone());
        return this;
    }

    /// <summary>True if <paramref name="cell"/> is a number (shown right-aligned in reports).</summary>
    /// <param name="cell">A cell value.</param>
    /// <returns>Whether the cell holds a numeric value.</returns>
    public static bool IsNumber(object? cell) => cell is double or float or decimal
        or byte or sbyte or short or ushort or int or uint or long or ulong or nint or nuint;

    /// <summary>Formats one cell as it appears in the CSV text, before quoting.</summary>
    /// <param name="cell">A cell value.</param>
    /// <returns>The invariant-culture text of the cell (empty for null).</returns>
    public static string FormatCell(object? cell) => cell switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        double d => FormatDouble(d),
        float f => float.IsNaN(f) ? "NaN" : float.IsPositiveInfinity(f) ? "Inf" : float.IsNegativeInfinity(f) ? "-Inf"
            : f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable n when IsNumber(cell) => n.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"unsupported cell type {cell.GetType().Name}", nameof(cell)),
    };

    /// <summary>The table as CSV text, header line first, every line ending in CRLF.</summary>
    /// <returns>The CSV text.</returns>
    public string ToCsv()
    {
        var sb = new StringBuilder();
        AppendLine(sb, _columns);
        foreach (object?[] row in _rows)
            AppendLine(sb, row.Select(FormatCell));
        return sb.ToString();
    }

    /// <summary>Writes the table to <paramref name="path"/> atomically.</summary>
    /// <param name="path">Target file, e.g. <c>OUT/neurons.csv</c>.</param>
    public void Write(string path) => AtomicFile.WriteAllText(path, ToCsv());

    private static string FormatDouble(double d) =>
        double.IsNaN(d) ? "NaN"
        : double.IsPositiveInfinity(d) ? "Inf"
        : double.IsNegativeInfinity(d) ? "-Inf"
        : d.ToString("R", CultureInfo.InvariantCulture);

    private static bool IsSupported(object? cell) => cell is null or string or bool || IsNumber(cell);

    private static void AppendLine(StringBuilder sb, IEnumerable<string> fields)
    {
        bool first = true;
        foreach (string field in fields)
        {
            if (!first)
                sb.Append(',');
            first = false;
            AppendField(sb, field);
        }
        sb.Append("\r\n");
    }

    private static void AppendField(StringBuilder sb, string field)
    {
        // Leading/trailing spaces are quoted too: some readers trim unquoted fields.
        bool quote = field.AsSpan().IndexOfAny(",\"\r\n") >= 0
                     || (field.Length > 0 && (field[0] == ' ' || field[^1] == ' '));
        if (!quote)
        {
            sb.Append(field);
            return;
        }
        sb.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
