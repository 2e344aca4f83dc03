namespace NeuroLens.Core.Reproduction;

/// <summary>
/// A study known to <c>neurolens reproduce</c>: its reproduction when the study is built, otherwise the
/// issue that builds it, so the report says plainly what is missing.
/// </summary>
/// <param name="Name">The study's name on the command line.</param>
/// <param name="Title">The report section title.</param>
/// <param name="Paper">The paper the study implements.</param>
/// <param name="Reproduction">The implementation, or null while the study is not built.</param>
/// <param name="Issue">The issue that builds the study, for the "not built yet" note.</param>
public sealed record StudyEntry(string Name, string Title, string Paper, IStudyReproduction? Reproduction, int Issue);
