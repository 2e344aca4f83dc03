namespace NeuroLens.Imaging;

/// <summary>
/// An axis-aligned region of a volume in voxel coordinates, z-y-x order; a 2D image has
/// <c>Z0 = 0, Depth = 1</c>. Half-open: it covers <c>[Z0, Z0 + Depth)</c> and so on.
/// </summary>
public readonly record struct Box(int Z0, int Y0, int X0, int Depth, int Height, int Width)
{
    /// <summary>Voxels in the box.</summary>
    public long Count => (long)Depth * Height * Width;

    /// <summary>Exclusive end along z.</summary>
    public int Z1 => Z0 + Depth;
    /// <summary>Exclusive end along y.</summary>
    public int Y1 => Y0 + Height;
    /// <summary>Exclusive end along x.</summary>
    public int X1 => X0 + Width;

    /// <summary>Whether the box holds no voxel.</summary>
    public bool IsEmpty => Depth <= 0 || Height <= 0 || Width <= 0;

    /// <summary>The box grown by <paramref name="halo"/> voxels on every side of the axes that vary
    /// (z only for 3D volumes), then clipped to <paramref name="bounds"/>.</summary>
    public Box Grow(int halo, Box bounds, bool growZ) =>
        Intersect(new Box(growZ ? Z0 - halo : Z0, Y0 - halo, X0 - halo,
                          growZ ? Depth + 2 * halo : Depth, Height + 2 * halo, Width + 2 * halo), bounds);

    /// <summary>The overlap of two boxes (empty when they do not overlap).</summary>
    public static Box Intersect(Box a, Box b)
    {
        int z0 = Math.Max(a.Z0, b.Z0), y0 = Math.Max(a.Y0, b.Y0), x0 = Math.Max(a.X0, b.X0);
        int z1 = Math.Min(a.Z1, b.Z1), y1 = Math.Min(a.Y1, b.Y1), x1 = Math.Min(a.X1, b.X1);
        return new Box(z0, y0, x0, Math.Max(0, z1 - z0), Math.Max(0, y1 - y0), Math.Max(0, x1 - x0));
    }

    /// <summary>Whether <paramref name="inner"/> lies entirely inside this box.</summary>
    public bool Contains(Box inner) =>
        inner.Z0 >= Z0 && inner.Y0 >= Y0 && inner.X0 >= X0 && inner.Z1 <= Z1 && inner.Y1 <= Y1 && inner.X1 <= X1;

    /// <inheritdoc />
    public override string ToString() => $"[{Z0}:{Z1}, {Y0}:{Y1}, {X0}:{X1}]";
}
