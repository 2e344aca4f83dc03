namespace NeuroLens.Entanglement.Pruning;

/// <summary>Where magnitude pruning compares weights.</summary>
public enum MagnitudeScope
{
    /// <summary>The same fraction removed from every output row (default; as Wanda's comparison group).</summary>
    PerRow,

    /// <summary>The smallest weights of the whole matrix, whatever their row.</summary>
    PerLayer,
}
