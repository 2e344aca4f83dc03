using NeuroLens.Imaging.Filters;

namespace NeuroLens.Imaging.Tests.Filters;

public class LocalMaximaTests
{
    /// <summary>
    /// Reference by fixed point: a voxel is excluded when a strictly higher voxel lies within r, and
    /// the exclusion spreads to equal voxels within r until nothing changes. The survivors, grouped
    /// into plateaus (equal value within r, transitively), are the maxima.
    /// </summary>
    private static (bool[] Survivor, int[] Plateau, int Plateaus) Reference(Volume<int> v, int r, double? threshold)
    {
        int d = v.Depth, h = v.Height, w = v.Width, n = v.Data.Length, zr = d > 1 ? r : 0;
        IEnumerable<int> Near(int i)
        {
            int z = i / (h * w), y = i / w % h, x = i % w;
            for (int zz = Math.Max(0, z - zr); zz <= Math.Min(d - 1, z + zr); zz++)
                for (int yy = Math.Max(0, y - r); yy <= Math.Min(h - 1, y + r); yy++)
                    for (int xx = Math.Max(0, x - r); xx <= Math.Min(w - 1, x + r); xx++)
                        if ((zz * h + yy) * w + xx != i) yield return (zz * h + yy) * w + xx;
        }
        var excluded = new bool[n];
        for (int i = 0; i < n; i++)
            excluded[i] = (threshold is not null && v.Data[i] <= threshold) || Near(i).Any(j => v.Data[j] > v.Data[i]);
        for (bool changed = true; changed;)
        {
            changed = false;
            for (int i = 0; i < n; i++)
                if (!excluded[i] && Near(i).Any(j => excluded[j] && v.Data[j] == v.Data[i])) excluded[i] = changed = true;
        }
        var plateau = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++)
        {
            if (excluded[i] || plateau[i] != 0) continue;
            plateau[i] = ++count;
            var stack = new Stack<int>([i]);
            while (stack.Count > 0)
                foreach (int j in Near(stack.Pop()))
                    if (plateau[j] == 0 && v.Data[j] == v.Data[i]) { plateau[j] = count; stack.Push(j); }
        }
        return (excluded.Select(e => !e).ToArray(), plateau, count);
    }

    [Theory]
    [InlineData(1, false, 1, null)]
    [InlineData(2, false, 2, null)]
    [InlineData(3, false, 1, 2.0)]
    [InlineData(4, true, 1, null)]
    [InlineData(5, true, 2, 1.0)]
    [InlineData(6, false, 3, null)]
    public void MatchesBruteForceNeighbourhoodCheck(int seed, bool is3D, int r, double? threshold)
    {
        var rng = new Random(seed);
        var image = is3D ? new Volume<int>(7, 8, 9, 1, 3) : new Volume<int>(1, 19, 21);
        // Few grey levels, so that plateaus are common.
        for (int i = 0; i < image.Data.Length; i++) image.Data[i] = rng.Next(5);
        var peaks = LocalMaxima.Find(image, r, threshold);
        var (survivor, plateau, plateaus) = Reference(image, r, threshold);
        Assert.Equal(plateaus, peaks.Count);
        var hit = new HashSet<int>();
        foreach (var p in peaks)
        {
            int i = (int)image.Index(p.Z, p.Y, p.X);
            Assert.True(survivor[i]);
            Assert.True(hit.Add(plateau[i]));
            Assert.Equal(image.Data[i], p.Value);
        }
        for (int k = 1; k < peaks.Count; k++) Assert.True(peaks[k - 1].Value >= peaks[k].Value);
    }

    [Fact]
    public void StrictPlateauCountsOnceAtItsCentre()
    {
        var image = new Volume<float>(1, 9, 9);
        for (int y = 3; y <= 5; y++)
            for (int x = 2; x <= 6; x++) image[0, y, x] = 5;
        image[0, 0, 8] = 1; // a lone corner peak on the border
        image[0, 8, 0] = 7; image[0, 8, 1] = 7; image[0, 7, 0] = 8; // a plateau touching a higher voxel is no maximum
        var peaks = LocalMaxima.Find(image);
        Assert.Equal([new Peak(0, 7, 0, 8), new Peak(0, 4, 4, 5), new Peak(0, 0, 8, 1)], peaks);
        Assert.Equal([new Peak(0, 7, 0, 8), new Peak(0, 4, 4, 5)], LocalMaxima.Find(image, threshold: 1.0));
    }
}
