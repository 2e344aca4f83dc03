namespace NeuroLens.Imaging.Filters;

/// <summary>A local maximum: its voxel (z-y-x; z = 0 for 2D images) and value.</summary>
/// <param name="Z">Voxel index along z.</param>
/// <param name="Y">Voxel index along y.</param>
/// <param name="X">Voxel index along x.</param>
/// <param name="Value">The image value at the voxel.</param>
public readonly record struct Peak(int Z, int Y, int X, double Value);
