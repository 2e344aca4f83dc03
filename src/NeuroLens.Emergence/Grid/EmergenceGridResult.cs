namespace NeuroLens.Emergence.Grid;

/// <summary>One model of the grid.</summary>
/// <param name="Name">Its name (folder name).</param>
/// <param name="Folder">Its folder.</param>
/// <param name="Parameters">Parameter count (models are ordered by it).</param>
/// <param name="Steps">The checkpoint steps used, ascending.</param>
/// <param name="Layers">The layers used.</param>
public sealed record GridModel(string Name, string Folder, long Parameters, IReadOnlyList<long> Steps, IReadOnlyList<int> Layers);

/// <summary>All cells of a grid run.</summary>
/// <param name="Models">The models, smallest first.</param>
/// <param name="Categories">The concept categories.</param>
/// <param name="Cells">Every cell's result.</param>
/// <param name="CellsRun">Cells computed by this run (the others were already done).</param>
public sealed record EmergenceGridResult(IReadOnlyList<GridModel> Models, IReadOnlyList<string> Categories, IReadOnlyList<CellResult> Cells, int CellsRun)
{
    /// <summary>The cell of (model, step, layer), or null.</summary>
    public CellResult? Cell(string model, long step, int layer) =>
        Cells.FirstOrDefault(c => c.Model == model && c.Step == step && c.Layer == layer);
}
