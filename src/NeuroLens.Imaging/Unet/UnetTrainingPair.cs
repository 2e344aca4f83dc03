namespace NeuroLens.Imaging.Unet;

/// <summary>
/// One training volume: an image and its target over the same voxels. The image has
/// <see cref="UNetConfig.InChannels"/> channels; the target has <see cref="UNetConfig.OutChannels"/>
/// channels with values in [0, 1] (a boundary probability map, or one map per affinity offset). A 2D
/// network may train on a 3D pair: its z sections are then the training images.
/// </summary>
/// <param name="Image">The input image or volume.</param>
/// <param name="Target">The target map, same spatial shape as <paramref name="Image"/>.</param>
public sealed record UnetTrainingPair(Volume<float> Image, Volume<float> Target);
