using NeuroLens.Core.Runtime;

namespace NeuroLens.Imaging.Synthetic;

/// <summary>
/// The cells of a synthetic EM volume: a power (weighted Voronoi) diagram of Poisson seeds, computed in
/// a metric space q = M(p + warp(p)) where the warp is a smooth random displacement and M compresses the
/// elongation direction d by 1/Elongation (so cells are Elongation × longer along d). A voxel belongs to
/// the seed i minimising the power distance |q − sᵢ|² − wᵢ²; its distance to the cell border is taken
/// as the distance of q to the nearest bisector plane, (P_j − P_i) / (2 |sᵢ − s_j|), exact in metric
/// space and approximate (warp, anisotropy) in voxels.
/// </summary>
internal sealed class EmCellLayout
{
    private readonly EmSectionOptions _o;
    private readonly double[][] _warp; // three wave sets (z, y, x)
    private readonly double[] _dir;
    private readonly double _squeeze; // 1 − 1/Elongation
    private readonly double[] _jitterY, _jitterX;

    private EmCellLayout(EmSectionOptions options, SyntheticRng rng)
    {
        _o = options;
        bool threeD = options.Depth > 1;
        _dir = Direction(options);
        _squeeze = 1 - 1 / options.Elongation;
        var warpRng = rng.Fork(1);
        var waves = new double[3][][];
        for (int a = 0; a < 3; a++) waves[a] = SyntheticFields.RandomWaves(warpRng, threeD, options.WarpScale, 4);
        _warp = waves.SelectMany(w => w).ToArray();
        _jitterY = new double[options.Depth];
        _jitterX = new double[options.Depth];
        var jitterRng = rng.Fork(2);
        for (int z = 0; threeD && z < options.Depth; z++)
        {
            _jitterY[z] = options.SectionJitter * jitterRng.Gaussian();
            _jitterX[z] = options.SectionJitter * jitterRng.Gaussian();
        }

        // Seeds: Poisson in the metric image of the (warped) volume plus a margin, so borders are cut.
        double margin = 1.5 * options.CellDiameter + options.WarpAmplitude + 3 * options.SectionJitter;
        (Lo, Hi) = MetricBox(margin);
        double cellVolume = threeD ? Math.PI / 6 * Math.Pow(options.CellDiameter, 3) : Math.PI / 4 * options.CellDiameter * options.CellDiameter;
        double boxVolume = (threeD ? Hi[0] - Lo[0] : 1) * (Hi[1] - Lo[1]) * (Hi[2] - Lo[2]);
        var seedRng = rng.Fork(3);
        int n = Math.Max(1, seedRng.Poisson(boxVolume / cellVolume));
        Seeds = new double[n][];
        Weight2 = new double[n];
        double wScale = options.SizeSpread * Math.Pow(options.CellDiameter / 2, 2) * 2;
        for (int i = 0; i < n; i++)
        {
            Seeds[i] = [threeD ? seedRng.Uniform(Lo[0], Hi[0]) : 0, seedRng.Uniform(Lo[1], Hi[1]), seedRng.Uniform(Lo[2], Hi[2])];
            Weight2[i] = wScale * seedRng.NextDouble();
        }
    }

    /// <summary>Seed positions in metric space (z, y, x).</summary>
    public double[][] Seeds { get; }

    /// <summary>Squared power-diagram weights.</summary>
    public double[] Weight2 { get; }

    /// <summary>Lower corner of the metric box the seeds fill.</summary>
    public double[] Lo { get; }

    /// <summary>Upper corner of the metric box the seeds fill.</summary>
    public double[] Hi { get; }

    /// <summary>The unit elongation direction (z, y, x): in plane at ElongationAngle in 2D, tilted from z by ElongationTilt in 3D.</summary>
    public static double[] Direction(EmSectionOptions o)
    {
        double tilt = o.ElongationTilt, angle = o.ElongationAngle;
        return o.Depth > 1 ? [Math.Cos(tilt), Math.Sin(tilt) * Math.Sin(angle), Math.Sin(tilt) * Math.Cos(angle)] : [0, Math.Sin(angle), Math.Cos(angle)];
    }

    /// <summary>Builds the layout for <paramref name="options"/> from <paramref name="rng"/>.</summary>
    public static EmCellLayout Create(EmSectionOptions options, SyntheticRng rng) => new(options, rng);

    /// <summary>The metric-space point of voxel (z, y, x).</summary>
    public void Metric(int z, int y, int x, Span<double> q)
    {
        double pz = z * _o.ZScale, py = y + _jitterY[z], px = x + _jitterX[z];
        double a = _o.WarpAmplitude;
        int m = _warp.Length / 3;
        if (a > 0)
        {
            double wz = _o.Depth > 1 ? Sum(_warp.AsSpan(0, m), pz, py, px) : 0;
            double wy = Sum(_warp.AsSpan(m, m), pz, py, px), wx = Sum(_warp.AsSpan(2 * m, m), pz, py, px);
            (pz, py, px) = (pz + a * wz, py + a * wy, px + a * wx);
        }
        double along = _squeeze * (pz * _dir[0] + py * _dir[1] + px * _dir[2]);
        q[0] = pz - along * _dir[0];
        q[1] = py - along * _dir[1];
        q[2] = px - along * _dir[2];
    }

    private static double Sum(ReadOnlySpan<double[]> waves, double z, double y, double x)
    {
        double s = 0;
        foreach (var w in waves) s += w[4] * Math.Cos(w[0] * z + w[1] * y + w[2] * x + w[3]);
        return s;
    }

    /// <summary>Power distance of metric point q to seed i.</summary>
    public double Power(ReadOnlySpan<double> q, int i)
    {
        var s = Seeds[i];
        double dz = q[0] - s[0], dy = q[1] - s[1], dx = q[2] - s[2];
        return dz * dz + dy * dy + dx * dx - Weight2[i];
    }

    /// <summary>
    /// Labels every voxel with its seed index + 1 and returns the distance to the cell border, capped at
    /// <paramref name="maxDepth"/>. Exact: each bin of the metric box keeps every seed that can win
    /// anywhere in it (minimum power over the bin ≤ the smallest maximum power of any seed over it), plus
    /// the neighbours whose bisector can lie within <paramref name="maxDepth"/>.
    /// </summary>
    public (uint[] Seed, float[] Depth) Label(double maxDepth)
    {
        int d = _o.Depth, h = _o.Height, w = _o.Width;
        double bin = _o.CellDiameter / 3;
        int[] nb = new int[3];
        for (int a = 0; a < 3; a++) nb[a] = Math.Max(1, (int)Math.Ceiling((Hi[a] - Lo[a]) / bin));
        if (d == 1) nb[0] = 1;
        var candidates = BinCandidates(nb, bin, maxDepth);
        var everySeed = Enumerable.Range(0, Seeds.Length).ToArray();
        // Flat copies for the inner loop.
        int n = Seeds.Length;
        double[] sz = new double[n], sy = new double[n], sx = new double[n];
        for (int i = 0; i < n; i++) (sz[i], sy[i], sx[i]) = (Seeds[i][0], Seeds[i][1], Seeds[i][2]);
        var seed = new uint[(long)d * h * w];
        var depth = new float[seed.LongLength];
        Parallel.For(0, d * h, ComputeSettings.ParallelOptions, () => new double[n], (row, _, power) =>
        {
            int z = row / h, y = row % h;
            Span<double> q = stackalloc double[3];
            for (int x = 0; x < w; x++)
            {
                Metric(z, y, x, q);
                int bz = d == 1 ? 0 : (int)Math.Floor((q[0] - Lo[0]) / bin);
                int by = (int)Math.Floor((q[1] - Lo[1]) / bin), bx = (int)Math.Floor((q[2] - Lo[2]) / bin);
                // A point outside the seeded box (only under extreme section jitter) checks every seed.
                bool inside = bz >= 0 && bz < nb[0] && by >= 0 && by < nb[1] && bx >= 0 && bx < nb[2];
                var list = inside ? candidates[(bz * nb[1] + by) * nb[2] + bx] : everySeed;
                int best = -1;
                double bestPower = double.MaxValue;
                for (int k = 0; k < list.Length; k++)
                {
                    int j = list[k];
                    double dz = q[0] - sz[j], dy = q[1] - sy[j], dx = q[2] - sx[j];
                    double p = dz * dz + dy * dy + dx * dx - Weight2[j];
                    power[k] = p;
                    if (p < bestPower || (p == bestPower && j < best)) (best, bestPower) = (j, p);
                }
                // Nearest bisector: δ_j = (P_j − P_i) / (2 sep); compared squared to avoid most square roots.
                double nearest = maxDepth, nearest2 = maxDepth * maxDepth;
                for (int k = 0; k < list.Length; k++)
                {
                    int j = list[k];
                    double gap = power[k] - bestPower;
                    if (j == best) continue;
                    double ez = sz[best] - sz[j], ey = sy[best] - sy[j], ex = sx[best] - sx[j];
                    double sep2 = ez * ez + ey * ey + ex * ex;
                    if (sep2 == 0 || gap * gap >= 4 * sep2 * nearest2) continue;
                    nearest = gap / (2 * Math.Sqrt(sep2));
                    nearest2 = nearest * nearest;
                }
                long i = (long)row * w + x;
                seed[i] = (uint)best + 1;
                depth[i] = (float)nearest;
            }
            return power;
        }, _ => { });
        return (seed, depth);
    }

    private int[][] BinCandidates(int[] nb, double bin, double maxDepth)
    {
        var lists = new int[nb[0] * nb[1] * nb[2]][];
        // A neighbour j matters when its bisector lies within maxDepth: P_j − P_i ≤ 2 |sᵢ − s_j| maxDepth, with
        // neighbouring seeds taken to lie within 2 cell diameters (farther ones only shift far-off depths).
        double slack = 2 * (2 * _o.CellDiameter) * maxDepth;
        Parallel.For(0, lists.Length, ComputeSettings.ParallelOptions, b =>
        {
            int bz = b / (nb[1] * nb[2]), by = b / nb[2] % nb[1], bx = b % nb[2];
            double[] lo = [Lo[0] + bz * bin, Lo[1] + by * bin, Lo[2] + bx * bin];
            double[] hi = [nb[0] == 1 ? Hi[0] : lo[0] + bin, lo[1] + bin, lo[2] + bin];
            if (nb[0] == 1) lo[0] = hi[0] = 0;
            double upper = double.MaxValue;
            var minPower = new double[Seeds.Length];
            for (int i = 0; i < Seeds.Length; i++)
            {
                double near = 0, far = 0;
                for (int a = 0; a < 3; a++)
                {
                    double s = Seeds[i][a];
                    double gap = Math.Max(0, Math.Max(lo[a] - s, s - hi[a]));
                    double reach = Math.Max(Math.Abs(s - lo[a]), Math.Abs(s - hi[a]));
                    near += gap * gap;
                    far += reach * reach;
                }
                minPower[i] = near - Weight2[i];
                upper = Math.Min(upper, far - Weight2[i]);
            }
            var list = new List<int>();
            for (int i = 0; i < Seeds.Length; i++)
                if (minPower[i] <= upper + slack) list.Add(i);
            lists[b] = [.. list];
        });
        return lists;
    }

    private static double Distance(double[] a, double[] b)
    {
        double dz = a[0] - b[0], dy = a[1] - b[1], dx = a[2] - b[2];
        return Math.Sqrt(dz * dz + dy * dy + dx * dx);
    }

    // The metric image of the volume grown by the margin, as an axis-aligned box (corners of the grown box).
    private (double[] Lo, double[] Hi) MetricBox(double margin)
    {
        double[] lo = [double.MaxValue, double.MaxValue, double.MaxValue], hi = [double.MinValue, double.MinValue, double.MinValue];
        bool threeD = _o.Depth > 1;
        foreach (double pz in threeD ? new[] { -margin, (_o.Depth - 1) * _o.ZScale + margin } : [0.0])
            foreach (double py in new[] { -margin, _o.Height - 1 + margin })
                foreach (double px in new[] { -margin, _o.Width - 1 + margin })
                {
                    double along = _squeeze * (pz * _dir[0] + py * _dir[1] + px * _dir[2]);
                    double[] q = [pz - along * _dir[0], py - along * _dir[1], px - along * _dir[2]];
                    for (int a = 0; a < 3; a++)
                    {
                        lo[a] = Math.Min(lo[a], q[a]);
                        hi[a] = Math.Max(hi[a], q[a]);
                    }
                }
        if (!threeD) lo[0] = hi[0] = 0;
        return (lo, hi);
    }
}
