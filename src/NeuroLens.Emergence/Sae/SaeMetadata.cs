namespace NeuroLens.Emergence.Sae;

/// <summary>Where an SAE's inputs come from, written into (and read from) <c>cfg.json</c>.</summary>
/// <param name="ModelName">The model (name or folder); empty when unknown.</param>
/// <param name="HookName">The activation site, e.g. <c>resid_post.3</c> or a module name; empty when unknown.</param>
/// <param name="HookLayer">The block index of the site, or -1.</param>
public sealed record SaeMetadata(string ModelName = "", string HookName = "", int HookLayer = -1);
