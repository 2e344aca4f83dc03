namespace NeuroLens.Imaging.Segmentation;

/// <summary>
/// Which voxels count as neighbours: those sharing a face, or all those touching the voxel
/// (scikit-image's <c>connectivity=1</c> and <c>connectivity=ndim</c>).
/// </summary>
public enum Connectivity
{
    /// <summary>Face neighbours: 4 in 2D, 6 in 3D.</summary>
    Faces = 1,

    /// <summary>Face, edge and corner neighbours: 8 in 2D, 26 in 3D.</summary>
    Full = 2,
}
