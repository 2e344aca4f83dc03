using NeuroLens.Imaging.Filters;
using NeuroLens.Imaging.Pyramids;

namespace NeuroLens.Imaging.Tests.Pyramids;

public class ChunkGridTests
{
    public static TheoryData<int[], int[], int, int> Grids => new()
    {
        { [37, 50], [8, 8], 4, 2 },
        { [64, 64], [16, 16], 3, 2 },
        { [11, 23, 30], [4, 5, 3], 3, 2 },
        { [20, 27, 27], [3, 3, 3], 3, 3 },
    };

    [Theory]
    [MemberData(nameof(Grids))]
    public void ParentsAndChildrenAreConsistent(int[] shape, int[] chunk, int levels, int r)
    {
        var grid = new ChunkGrid(shape, chunk, levels, r);
        for (int k = 1; k < levels; k++)
        {
            long children = 0;
            foreach (var parent in grid.Chunks(k))
            {
                var kids = grid.Children(parent);
                Assert.InRange(kids.Count, 1, grid.ChildrenPerParent);
                if (!grid.IsEdge(parent)) Assert.Equal(grid.ChildrenPerParent, kids.Count);
                foreach (var kid in kids) Assert.Equal(parent, grid.Parent(kid));
                children += kids.Count;
                // The parent's level-0 footprint is exactly the union of its children's.
                var union = grid.ChunkBoxAtLevel0(kids[0]);
                long voxels = 0;
                foreach (var kid in kids)
                {
                    var b = grid.ChunkBoxAtLevel0(kid);
                    voxels += b.Count;
                    union = new Box(Math.Min(union.Z0, b.Z0), Math.Min(union.Y0, b.Y0), Math.Min(union.X0, b.X0),
                        Math.Max(union.Z1, b.Z1) - Math.Min(union.Z0, b.Z0), Math.Max(union.Y1, b.Y1) - Math.Min(union.Y0, b.Y0),
                        Math.Max(union.X1, b.X1) - Math.Min(union.X0, b.X0));
                }
                Assert.Equal(grid.ChunkBoxAtLevel0(parent), union);
                Assert.Equal(union.Count, voxels);
            }
            Assert.Equal(grid.ChunkCount(k - 1), children); // every child has exactly one parent
        }
    }

    [Theory]
    [MemberData(nameof(Grids))]
    public void EveryLevel0ChunkHasOneAncestorPerLevelContainingIt(int[] shape, int[] chunk, int levels, int r)
    {
        var grid = new ChunkGrid(shape, chunk, levels, r);
        var covered = new long[levels];
        foreach (var c in grid.Chunks(0))
        {
            var box = grid.ChunkBoxAtLevel0(c);
            covered[0] += box.Count;
            var step = c;
            for (int k = 1; k < levels; k++)
            {
                step = grid.Parent(step);
                var ancestor = grid.Ancestor(c, k);
                Assert.Equal(step, ancestor);
                Assert.True(grid.ChunkBoxAtLevel0(ancestor).Contains(box));
                Assert.Equal(1, grid.Chunks(k).Count(a => grid.ChunkBoxAtLevel0(a).Contains(box)));
            }
        }
        long total = 1;
        foreach (int n in shape) total *= n;
        Assert.Equal(total, covered[0]); // level-0 chunks tile the image
        for (int k = 0; k < levels; k++)
            Assert.Equal(grid.LevelBounds(k).Count, grid.Chunks(k).Sum(c => grid.ChunkBox(c).Count));
    }

    [Fact]
    public void EdgeChunksAreCountedAtEveryLevel()
    {
        // 37×50, chunks 8×8, r = 2. Level 0: 5×7 chunks, whole ⌊37/8⌋·⌊50/8⌋ = 4·6.
        var grid = new ChunkGrid([37, 50], [8, 8], 3);
        Assert.Equal((1, 5, 7), grid.ChunkCounts(0));
        Assert.Equal(35 - 24, grid.EdgeChunkCount(0));
        // Level 1: extents 19×25, 3×4 chunks; whole ⌊37/16⌋·⌊50/16⌋ = 2·3.
        Assert.Equal(new Box(0, 0, 0, 1, 19, 25), grid.LevelBounds(1));
        Assert.Equal(12 - 6, grid.EdgeChunkCount(1));
        // Level 2: extents 10×13, 2×2 chunks; whole ⌊37/32⌋·⌊50/32⌋ = 1.
        Assert.Equal(3, grid.EdgeChunkCount(2));
        Assert.Equal(new Box(0, 8, 8, 1, 2, 5), grid.ChunkBox(new ChunkIndex(2, 0, 1, 1)));
        Assert.Equal(new Box(0, 32, 32, 1, 5, 18), grid.ChunkBoxAtLevel0(new ChunkIndex(2, 0, 1, 1)));
        for (int k = 0; k < 3; k++)
            Assert.Equal(grid.EdgeChunkCount(k), grid.Chunks(k).Count(grid.IsEdge));
        var even = new ChunkGrid([64, 64], [16, 16], 3);
        Assert.Equal(0, even.EdgeChunkCount(2));
        Assert.Equal(4, even.Children(new ChunkIndex(1, 0, 1, 1)).Count);
    }

    [Fact]
    public void HaloBoxesAreClippedToBounds()
    {
        var windows = ChunkedProcessing.Windows(new Box(0, 0, 0, 1, 10, 7), [1, 4, 4], 2, growZ: false).ToList();
        Assert.Equal(6, windows.Count);
        Assert.Equal(new ChunkWindow(new Box(0, 0, 0, 1, 4, 4), new Box(0, 0, 0, 1, 6, 6)), windows[0]);
        Assert.Equal(new ChunkWindow(new Box(0, 4, 4, 1, 4, 3), new Box(0, 2, 2, 1, 8, 5)), windows[3]);
        Assert.Equal(new Box(0, 2, 2, 1, 4, 3), windows[3].InnerInOuter);
        Assert.Equal(new ChunkWindow(new Box(0, 8, 4, 1, 2, 3), new Box(0, 6, 2, 1, 4, 5)), windows[5]);
        var grid = new ChunkGrid([6, 10, 7], [4, 4, 4], 2);
        var top = grid.Windows(1, 1).ToList();
        Assert.Equal(new ChunkWindow(new Box(0, 0, 0, 3, 4, 4), new Box(0, 0, 0, 3, 5, 4)), top[0]);
        Assert.Equal(new ChunkWindow(new Box(0, 4, 0, 3, 1, 4), new Box(0, 3, 0, 3, 2, 4)), top[1]);
        Assert.Equal(grid.ChunkCount(1), top.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ChunkedGaussianWithKernelRadiusHaloEqualsWholeVolume(bool is3D)
    {
        var rng = new Random(3);
        var image = is3D ? new Volume<float>(13, 17, 19, 1, 3) : new Volume<float>(1, 40, 37);
        for (int i = 0; i < image.Data.Length; i++) image.Data[i] = (float)rng.NextDouble();
        const double sigma = 1.5;
        int halo = GaussianKernel.Radius(sigma);
        var whole = GaussianFilter.Smooth(image, sigma);
        int[] chunk = is3D ? [5, 6, 7] : [9, 8];
        var chunked = ChunkedProcessing.Map(image, chunk, halo, crop => GaussianFilter.Smooth(crop, sigma));
        for (int i = 0; i < whole.Data.Length; i++) Assert.Equal(whole.Data[i], chunked.Data[i], 5);
        var tooSmall = ChunkedProcessing.Map(image, chunk, 1, crop => GaussianFilter.Smooth(crop, sigma));
        Assert.Contains(Enumerable.Range(0, whole.Data.Length), i => Math.Abs(whole.Data[i] - tooSmall.Data[i]) > 1e-3);
    }
}
