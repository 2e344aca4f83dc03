namespace NeuroLens.Core.Reports;

/// <summary>Which report files <see cref="OutputFolder.WriteReport"/> writes.</summary>
[Flags]
public enum ReportFormats
{
    /// <summary><c>report.md</c>, with the figures as PNG (and SVG) files beside it.</summary>
    Markdown = 1,

    /// <summary><c>report.html</c>, self-contained.</summary>
    Html = 2,

    /// <summary>Both reports.</summary>
    Both = Markdown | Html,
}
