namespace NeuroLens.Imaging.Synthetic;

/// <summary>The geometric shape of a <see cref="PlacedObject"/>.</summary>
public enum ObjectShape
{
    /// <summary>Points p with Σₖ ((p − c)·aₖ / rₖ)² ≤ 1.</summary>
    Ellipsoid,

    /// <summary>Points within distance <c>Radii[1]</c> of the segment c ± <c>Radii[0]</c>·a₀ (a spherocylinder).</summary>
    Capsule,
}

/// <summary>
/// One object a generator placed, in physical coordinates (z × ZScale, y, x) in xy-voxel units. Its
/// ground-truth voxels are exactly the voxels whose centres satisfy <see cref="Contains"/>. In 2D the
/// centre's z is 0 and a₀ is the z axis, so z plays no part.
/// </summary>
/// <param name="Id">Instance label (1-based) in the ground truth.</param>
/// <param name="Class">Class label; its meaning is per generator (nuclei: 1; organelles: 1 mitochondrion, 2 vesicle; tissue nuclei: their texture).</param>
/// <param name="Shape">Ellipsoid or capsule.</param>
/// <param name="Center">Centre (z, y, x).</param>
/// <param name="Radii">Ellipsoid: semi-axes along a₀, a₁, a₂. Capsule: (half length, radius, radius).</param>
/// <param name="Axes">Unit axes a₀, a₁, a₂ as a row-major 3 × 3 matrix, each row (z, y, x).</param>
/// <param name="Intensity">The object's rendered brightness or darkness before imaging effects.</param>
public sealed record PlacedObject(uint Id, int Class, ObjectShape Shape, double[] Center, double[] Radii, double[] Axes, double Intensity)
{
    /// <summary>Whether the physical point (z, y, x) lies inside the object (boundary included).</summary>
    public bool Contains(double z, double y, double x) => InsideDepth(z, y, x) >= 0;

    /// <summary>The radius of a sphere around <see cref="Center"/> that holds the whole object.</summary>
    public double BoundingRadius => Shape == ObjectShape.Capsule ? Radii[0] + Radii[1] : Math.Max(Radii[0], Math.Max(Radii[1], Radii[2]));

    /// <summary>Half extents of the tightest axis-aligned box around the object, (z, y, x).</summary>
    internal double[] HalfExtents()
    {
        var e = new double[3];
        for (int k = 0; k < 3; k++)
            e[k] = Shape == ObjectShape.Capsule
                ? Radii[0] * Math.Abs(Axes[k]) + Radii[1]
                : Math.Sqrt(Math.Pow(Radii[0] * Axes[k], 2) + Math.Pow(Radii[1] * Axes[3 + k], 2) + Math.Pow(Radii[2] * Axes[6 + k], 2));
        return e;
    }

    /// <summary>
    /// How deep (z, y, x) lies inside, in voxels (distance to the surface for capsules; for ellipsoids
    /// (1 − q) × the smallest semi-axis, q the normalised radius); negative outside.
    /// </summary>
    internal double InsideDepth(double z, double y, double x)
    {
        double dz = z - Center[0], dy = y - Center[1], dx = x - Center[2];
        double u0 = dz * Axes[0] + dy * Axes[1] + dx * Axes[2];
        if (Shape == ObjectShape.Capsule)
        {
            double t = Math.Clamp(u0, -Radii[0], Radii[0]);
            double ez = dz - t * Axes[0], ey = dy - t * Axes[1], ex = dx - t * Axes[2];
            return Radii[1] - Math.Sqrt(ez * ez + ey * ey + ex * ex);
        }
        double u1 = dz * Axes[3] + dy * Axes[4] + dx * Axes[5];
        double u2 = dz * Axes[6] + dy * Axes[7] + dx * Axes[8];
        double q2 = u0 * u0 / (Radii[0] * Radii[0]) + u1 * u1 / (Radii[1] * Radii[1]) + u2 * u2 / (Radii[2] * Radii[2]);
        if (q2 > 1) return -1;
        return (1 - Math.Sqrt(q2)) * Math.Min(Radii[0], Math.Min(Radii[1], Radii[2]));
    }

    /// <summary>
    /// Position along the main axis a₀ relative to the centre, in voxels (for textures such as cristae).
    /// </summary>
    internal double AlongAxis(double z, double y, double x) =>
        (z - Center[0]) * Axes[0] + (y - Center[1]) * Axes[1] + (x - Center[2]) * Axes[2];

    /// <summary>An orthonormal frame whose first axis is <paramref name="main"/> normalised (z, y, x).</summary>
    internal static double[] FrameAround(double[] main)
    {
        double n = Math.Sqrt(main[0] * main[0] + main[1] * main[1] + main[2] * main[2]);
        double[] a = n > 1e-12 ? [main[0] / n, main[1] / n, main[2] / n] : [0, 0, 1];
        // Second axis: the coordinate axis least aligned with a, made orthogonal to it (Gram–Schmidt).
        int k = Math.Abs(a[0]) <= Math.Abs(a[1]) && Math.Abs(a[0]) <= Math.Abs(a[2]) ? 0 : Math.Abs(a[1]) <= Math.Abs(a[2]) ? 1 : 2;
        double[] b = [k == 0 ? 1 : 0, k == 1 ? 1 : 0, k == 2 ? 1 : 0];
        double dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
        for (int i = 0; i < 3; i++) b[i] -= dot * a[i];
        double bn = Math.Sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
        for (int i = 0; i < 3; i++) b[i] /= bn;
        double[] c = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
        return [a[0], a[1], a[2], b[0], b[1], b[2], c[0], c[1], c[2]];
    }

    /// <summary>
    /// A random orthonormal frame: in 3D a uniformly random rotation; in 2D a₀ = z and a₁, a₂ rotated
    /// in the y-x plane by a uniform angle. With <paramref name="mainInPlane"/> the main axis a₀ is the
    /// in-plane direction instead (for elongated objects in 2D).
    /// </summary>
    internal static double[] RandomAxes(SyntheticRng rng, bool threeD, bool mainInPlane = false)
    {
        if (!threeD)
        {
            double a = rng.Uniform(0, Math.PI);
            double s = Math.Sin(a), c = Math.Cos(a);
            return mainInPlane ? [0, s, c, 0, c, -s, 1, 0, 0] : [1, 0, 0, 0, s, c, 0, c, -s];
        }
        // Uniform random rotation from a uniform unit quaternion (Shoemake 1992).
        double u1 = rng.NextDouble(), u2 = rng.Uniform(0, 2 * Math.PI), u3 = rng.Uniform(0, 2 * Math.PI);
        double qw = Math.Sqrt(1 - u1) * Math.Sin(u2), qx = Math.Sqrt(1 - u1) * Math.Cos(u2);
        double qy = Math.Sqrt(u1) * Math.Sin(u3), qz = Math.Sqrt(u1) * Math.Cos(u3);
        return
        [
            1 - 2 * (qy * qy + qz * qz), 2 * (qx * qy - qz * qw), 2 * (qx * qz + qy * qw),
            2 * (qx * qy + qz * qw), 1 - 2 * (qx * qx + qz * qz), 2 * (qy * qz - qx * qw),
            2 * (qx * qz - qy * qw), 2 * (qy * qz + qx * qw), 1 - 2 * (qx * qx + qy * qy),
        ];
    }
}
