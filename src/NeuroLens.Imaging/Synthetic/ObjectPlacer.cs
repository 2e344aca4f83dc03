namespace NeuroLens.Imaging.Synthetic;

/// <summary>
/// Places non-overlapping objects by the rules of <see cref="PlacementOptions"/> and rasterises them into
/// exact ground truth: a voxel belongs to an object when its centre, in physical coordinates
/// (z × zScale, y, x), satisfies <see cref="PlacedObject.Contains"/>. Optionally objects must lie inside
/// one region of a region map (an EM cell) at least a margin from its border.
/// </summary>
internal sealed class ObjectPlacer
{
    private readonly int _depth, _height, _width;
    private readonly double _zScale;
    private readonly uint[]? _regions;
    private readonly float[]? _regionDepth;
    private readonly ChunkGrid _grid;
    private readonly int[] _chunkCounts;
    private readonly List<int> _scratch = [];
    private int _positiveChunks;

    /// <param name="depth">Voxels along z.</param>
    /// <param name="height">Voxels along y.</param>
    /// <param name="width">Voxels along x.</param>
    /// <param name="zScale">z step over xy step.</param>
    /// <param name="chunkSize">Chunk extent for the running prevalence.</param>
    /// <param name="regions">Optional region per voxel; an object must lie in one non-zero region.</param>
    /// <param name="regionDepth">Optional distance of each voxel to its region's border, in voxels.</param>
    public ObjectPlacer(int depth, int height, int width, double zScale, int chunkSize, uint[]? regions = null, float[]? regionDepth = null)
    {
        (_depth, _height, _width, _zScale) = (depth, height, width, zScale);
        (_regions, _regionDepth) = (regions, regionDepth);
        Labels = new uint[(long)depth * height * width];
        Classes = new byte[Labels.LongLength];
        _grid = new ChunkGrid(depth, height, width, depth == 1 ? 1 : chunkSize, chunkSize, chunkSize);
        _chunkCounts = new int[_grid.Count];
    }

    /// <summary>Instance label per voxel (0 = none), C order.</summary>
    public uint[] Labels { get; }

    /// <summary>Class per voxel (0 = none).</summary>
    public byte[] Classes { get; }

    /// <summary>The objects placed so far; object k has label k + 1.</summary>
    public List<PlacedObject> Objects { get; } = [];

    /// <summary>Fraction of chunks that hold an object voxel.</summary>
    public double Prevalence => _positiveChunks / (double)_chunkCounts.Length;

    /// <summary>
    /// Places objects made by <paramref name="make"/> (given the generator, a centre and the next id)
    /// until the mode of <paramref name="options"/> is satisfied: counts are of the objects this call
    /// adds, prevalence is of all objects placed so far. <paramref name="clusterCentres"/>, when given,
    /// replaces the uniform cluster centres. <paramref name="minRegionDepth"/> is
    /// the distance every object voxel keeps from its region's border when a region map is set.
    /// </summary>
    public void Run(SyntheticRng rng, PlacementOptions options, Func<SyntheticRng, double[], uint, PlacedObject> make, double minRegionDepth = 0, double[][]? clusterCentres = null)
    {
        var centres = clusterCentres ?? new double[options.ClusterCount][];
        for (int k = 0; clusterCentres is null && k < centres.Length; k++) centres[k] = UniformPoint(rng);
        double voxels = (double)_depth * _height * _width;
        int target = options.Count ?? (options.TargetPrevalence is null ? rng.Poisson(options.Density * voxels / 1e6) : int.MaxValue);
        int failures = 0, start = Objects.Count;
        while (Objects.Count - start < target && failures < options.MaxAttempts)
        {
            if (options.Count is null && options.TargetPrevalence is double p && Prevalence >= p) break;
            double[] centre = rng.NextDouble() < options.Clustering ? ClusteredPoint(rng, centres[rng.NextInt(centres.Length)], options.ClusterSpread) : UniformPoint(rng);
            var candidate = make(rng, centre, (uint)(Objects.Count + 1));
            // A capsule that does not fit is shortened (to 60 %, then 30 %) before the proposal is given up,
            // as long bodies rarely fit a cell at a random angle and position.
            bool placed = TryPlace(candidate, minRegionDepth);
            for (int shorten = 0; !placed && candidate.Shape == ObjectShape.Capsule && shorten < 2; shorten++)
            {
                candidate = candidate with { Radii = [candidate.Radii[0] * (shorten == 0 ? 0.6 : 0.5), candidate.Radii[1], candidate.Radii[2]] };
                placed = TryPlace(candidate, minRegionDepth);
            }
            failures = placed ? 0 : failures + 1;
        }
    }

    /// <summary>Rasterises <paramref name="candidate"/> and commits it when it is free and allowed.</summary>
    public bool TryPlace(PlacedObject candidate, double minRegionDepth = 0)
    {
        _scratch.Clear();
        var c = candidate.Center;
        // Cheap rejection at the voxel nearest the centre before the full raster.
        int cz = Math.Clamp((int)Math.Round(c[0] / _zScale), 0, _depth - 1), cy = Math.Clamp((int)Math.Round(c[1]), 0, _height - 1), cx = Math.Clamp((int)Math.Round(c[2]), 0, _width - 1);
        int ci = (cz * _height + cy) * _width + cx;
        if (candidate.Contains(cz * _zScale, cy, cx) && (Labels[ci] != 0 || (_regions is not null && _regions[ci] == 0) || (_regionDepth is not null && _regionDepth[ci] < minRegionDepth)))
            return false;
        var e = candidate.HalfExtents();
        int z0 = Math.Max(0, (int)Math.Floor((c[0] - e[0]) / _zScale)), z1 = Math.Min(_depth - 1, (int)Math.Ceiling((c[0] + e[0]) / _zScale));
        int y0 = Math.Max(0, (int)Math.Floor(c[1] - e[1])), y1 = Math.Min(_height - 1, (int)Math.Ceiling(c[1] + e[1]));
        int x0 = Math.Max(0, (int)Math.Floor(c[2] - e[2])), x1 = Math.Min(_width - 1, (int)Math.Ceiling(c[2] + e[2]));
        uint region = 0;
        for (int z = z0; z <= z1; z++)
            for (int y = y0; y <= y1; y++)
                for (int x = x0; x <= x1; x++)
                {
                    if (!candidate.Contains(z * _zScale, y, x)) continue;
                    int i = (z * _height + y) * _width + x;
                    if (Labels[i] != 0) return false;
                    if (_regions is not null)
                    {
                        if (_regions[i] == 0 || (region != 0 && _regions[i] != region)) return false;
                        region = _regions[i];
                        if (_regionDepth is not null && _regionDepth[i] < minRegionDepth) return false;
                    }
                    _scratch.Add(i);
                }
        if (_scratch.Count == 0) return false;
        foreach (int i in _scratch)
        {
            Labels[i] = candidate.Id;
            Classes[i] = (byte)candidate.Class;
            int z = i / (_height * _width), y = i / _width % _height, x = i % _width;
            if (_chunkCounts[_grid.ChunkOf(z, y, x)]++ == 0) _positiveChunks++;
        }
        Objects.Add(candidate);
        return true;
    }

    private double[] UniformPoint(SyntheticRng rng) =>
        [_depth == 1 ? 0 : rng.Uniform(0, _depth) * _zScale, rng.Uniform(0, _height), rng.Uniform(0, _width)];

    // Gaussian scatter around the cluster centre, reflected back into the image.
    private double[] ClusteredPoint(SyntheticRng rng, double[] centre, double spread) =>
        [_depth == 1 ? 0 : Reflect(centre[0] + spread * rng.Gaussian(), _depth * _zScale),
         Reflect(centre[1] + spread * rng.Gaussian(), _height), Reflect(centre[2] + spread * rng.Gaussian(), _width)];

    private static double Reflect(double v, double extent)
    {
        double period = 2 * extent;
        v %= period;
        if (v < 0) v += period;
        return v < extent ? v : period - v;
    }
}
