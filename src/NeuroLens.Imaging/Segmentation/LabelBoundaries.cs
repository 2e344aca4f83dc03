using NeuroLens.Imaging.Synthetic;

namespace NeuroLens.Imaging.Segmentation;

/// <summary>The boundary mask of an instance labelling: the target a boundary-predicting U-Net learns.</summary>
public static class LabelBoundaries
{
    /// <summary>1 where a face neighbour (4 in 2D, 6 in 3D) carries a different label, else 0.</summary>
    public static Volume<byte> Of(Volume<uint> labels)
    {
        var data = LabelTopology.Boundaries(labels.Data[..checked((int)labels.VoxelCount)], labels.Depth, labels.Height, labels.Width);
        return new Volume<byte>(data, labels.Depth, labels.Height, labels.Width, 1, labels.Dimensions) { VoxelSize = labels.VoxelSize };
    }

    /// <summary>The same mask as float32 0/1: the target of a boundary-predicting U-Net.</summary>
    public static Volume<float> TargetOf(Volume<uint> labels)
    {
        var mask = Of(labels);
        var target = new Volume<float>(mask.Depth, mask.Height, mask.Width, 1, mask.Dimensions) { VoxelSize = mask.VoxelSize };
        for (int i = 0; i < target.Data.Length; i++) target.Data[i] = mask.Data[i];
        return target;
    }
}
