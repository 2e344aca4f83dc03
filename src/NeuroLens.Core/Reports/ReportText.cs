using System.Globalization;

namespace NeuroLens.Core.Reports;

/// <summary>How values are shown in reports (as opposed to CSV and JSON, which keep full precision).</summary>
internal static class ReportText
{
    /// <summary>
    /// Floating-point values get <paramref name="digits"/> significant digits, in fixed notation for
    /// magnitudes from 1e-4 to 1e9 and in exponent notation outside; integers are shown in full.
    /// </summary>
    public static string FormatValue(object? value, int digits) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        double d => FormatDouble(d, digits),
        float f => FormatDouble(f, digits),
        decimal m => FormatDouble((double)m, digits),
        IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static bool IsNumericColumn(CsvTable table, int column)
    {
        bool any = false;
        foreach (var row in table.Rows)
        {
            object? cell = row[column];
            if (cell is null)
                continue;
            if (!CsvTable.IsNumber(cell))
                return false;
            any = true;
        }
        return any;
    }

    private static string FormatDouble(double d, int digits)
    {
        if (double.IsNaN(d))
            return "NaN";
        if (double.IsInfinity(d))
            return d > 0 ? "∞" : "−∞";
        if (d == 0)
            return "0";
        double magnitude = Math.Abs(d);
        if (magnitude < 1e-4 || magnitude >= 1e9)
            return d.ToString("0." + new string('#', Math.Max(1, digits - 1)) + "E+0", CultureInfo.InvariantCulture);
        int decimals = Math.Max(0, digits - 1 - (int)Math.Floor(Math.Log10(magnitude)));
        return d.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
