using System.Globalization;
using System.Text;
using NeuroLens.Core.Reports;

namespace NeuroLens.Core.Tests.Reports;

public class CsvTableTests
{
    [Fact]
    public void QuotesCommasQuotesNewlinesAndEdgeSpacesPerRfc4180()
    {
        var table = new CsvTable("name", "value")
            .AddRow("plain", 1)
            .AddRow("a,b", 2)
            .AddRow("say \"hi\"", 3)
            .AddRow("two\nlines", 4)
            .AddRow("cr\r\nlf", 5)
            .AddRow(" padded ", null);

        Assert.Equal(
            "name,value\r\n" +
            "plain,1\r\n" +
            "\"a,b\",2\r\n" +
            "\"say \"\"hi\"\"\",3\r\n" +
            "\"two\nlines\",4\r\n" +
            "\"cr\r\nlf\",5\r\n" +
            "\" padded \",\r\n",
            table.ToCsv());
    }

    [Fact]
    public void DoublesRoundTripExactlyInInvariantCulture()
    {
        double[] values = [0.1, 1.0 / 3, -2.5e-310, double.Epsilon, double.MaxValue, 123456789.123456789, -0.0, Math.PI];
        var table = new CsvTable("x");
        foreach (double v in values)
            table.AddRow(v);

        var previous = CultureInfo.CurrentCulture;
        try
        {
            // A culture with a decimal comma (the project runs in invariant-globalization mode, so
            // named cultures are unavailable): it must not leak into the CSV.
            var decimalComma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            decimalComma.NumberFormat.NumberDecimalSeparator = ",";
            decimalComma.NumberFormat.NegativeSign = "~";
            CultureInfo.CurrentCulture = decimalComma;
            string[][] records = ParseCsv(table.ToCsv());
            Assert.Equal(["x"], records[0]);
            for (int i = 0; i < values.Length; i++)
            {
                double back = double.Parse(records[i + 1][0], NumberStyles.Float, CultureInfo.InvariantCulture);
                Assert.Equal(BitConverter.DoubleToInt64Bits(values[i]), BitConverter.DoubleToInt64Bits(back));
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void NonFiniteNumbersBooleansAndIntegersHaveDocumentedSpelling()
    {
        var table = new CsvTable("a", "b", "c", "d", "e", "f")
            .AddRow(double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1.5f, true, long.MinValue);
        Assert.Equal("a,b,c,d,e,f\r\nNaN,Inf,-Inf,1.5,true,-9223372036854775808\r\n", table.ToCsv());
        Assert.True(double.IsNaN(double.Parse("NaN", CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void RejectsWrongCellCountAndUnsupportedCells()
    {
        var table = new CsvTable("a", "b");
        Assert.Throws<ArgumentException>(() => table.AddRow(1));
        Assert.Throws<ArgumentException>(() => table.AddRow(1, new object()));
        Assert.Throws<ArgumentException>(() => new CsvTable("a", "a"));
        Assert.Empty(table.Rows);
    }

    [Fact]
    public void WriteProducesTheSameTextAtomically()
    {
        using var dir = new TempFolder();
        var table = new CsvTable("layer", "w1").AddRow("h.0", 0.25).AddRow("h,1", double.NaN);
        string path = dir.File("tables/w.csv");
        table.Write(path);
        Assert.Equal(Encoding.UTF8.GetBytes(table.ToCsv()), File.ReadAllBytes(path));
        Assert.Equal([Path.Combine("tables", "w.csv")], dir.Files());
        string[][] records = ParseCsv(File.ReadAllText(path));
        Assert.Equal(["h,1", "NaN"], records[2]);
    }

    /// <summary>A strict RFC 4180 reader, independent of the writer, to check what readers see.</summary>
    private static string[][] ParseCsv(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                i++;
                while (true)
                {
                    if (text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; }
                    else if (text[i] == '"') { i++; break; }
                    else field.Append(text[i++]);
                }
            }
            while (i < text.Length && text[i] != ',' && text[i] != '\r')
                field.Append(text[i++]);
            fields.Add(field.ToString());
            field.Clear();
            if (i < text.Length && text[i] == ',') { i++; continue; }
            Assert.Equal("\r\n", text.Substring(i, 2));
            i += 2;
            records.Add(fields.ToArray());
            fields.Clear();
        }
        return records.ToArray();
    }
}
