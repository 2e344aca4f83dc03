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
/// <param name="Cells">Every cell's result: with one SAE seed the SAE's own, with several the mean over seeds (<see cref="SeedAggregate"/>).</param>
/// <param name="CellsRun">SAEs trained by this run, one per cell and seed (the others were already done).</param>
public sealed record EmergenceGridResult(IReadOnlyList<GridModel> Models, IReadOnlyList<string> Categories, IReadOnlyList<CellResult> Cells, int CellsRun)
{
    /// <summary>Every (cell, seed) result, seed index ascending within a cell (equal to <see cref="Cells"/> with one seed).</summary>
    public IReadOnlyList<CellResult> SeedCells { get; init; } = Cells;

    /// <summary>SAE seeds per cell.</summary>
    public int Seeds { get; init; } = 1;

    /// <summary>The cell of (model, step, layer) — the mean over seeds when there are several — or null.</summary>
    public CellResult? Cell(string model, long step, int layer) =>
        Cells.FirstOrDefault(c => c.Model == model && c.Step == step && c.Layer == layer);

    /// <summary>The result of seed index <paramref name="seed"/> of the cell (model, step, layer), or null.</summary>
    public CellResult? SeedCell(string model, long step, int layer, int seed) =>
        SeedCells.FirstOrDefault(c => c.Model == model && c.Step == step && c.Layer == layer && c.Seed == seed);
}
