using System.Text.Json;
using NeuroLens.Core;
using NeuroLens.Imaging.Segmentation;
using NeuroLens.Imaging.Tests.Fixtures;

namespace NeuroLens.Imaging.Tests.Segmentation;

public class WatershedTests
{
    public static TheoryData<string> FixtureCases() => new(Fixture.Cases("watershed.json").Select(c => c.GetProperty("name").GetString()!));

    [Theory]
    [MemberData(nameof(FixtureCases))]
    public void MatchesSkimageExactly(string name)
    {
        JsonElement c = Fixture.Cases("watershed.json").Single(e => e.GetProperty("name").GetString() == name);
        var heights = Fixture.Volume(c, Fixture.Doubles(c, "heights").Select(v => (float)v).ToArray());
        var seeds = Fixture.Volume(c, Fixture.ULongs(c, "seeds"));
        var mask = c.GetProperty("mask").ValueKind == JsonValueKind.Null ? null : Fixture.Volume(c, Fixture.Ints(c, "mask").Select(v => v != 0).ToArray());
        var connectivity = Enum.Parse<Connectivity>(c.GetProperty("connectivity").GetString()!);
        bool lines = c.GetProperty("lines").GetBoolean();
        var expected = Fixture.ULongs(c, "labels");
        Assert.Equal(expected, Watershed.Run(heights, seeds, mask, connectivity, lines).Data); // level queue (few heights)
        Assert.Equal(expected, Watershed.Run(heights, seeds, mask, connectivity, lines, allowLevelQueue: false).Data); // heap
    }

    [Theory]
    [InlineData(1, 9, 13, false, false)]
    [InlineData(1, 9, 13, true, false)]
    [InlineData(1, 9, 13, false, true)]
    [InlineData(1, 9, 13, true, true)]
    [InlineData(5, 6, 7, false, false)]
    [InlineData(5, 6, 7, true, false)]
    [InlineData(5, 6, 7, false, true)]
    [InlineData(5, 6, 7, true, true)]
    public void MatchesBruteForceFloodingOnRandomInputs(int depth, int height, int width, bool full, bool lines)
    {
        var rng = new Random(depth * 1000 + height * 10 + (full ? 1 : 0) + (lines ? 2 : 0));
        int n = depth * height * width;
        for (int trial = 0; trial < 20; trial++)
        {
            // Few height levels: large plateaus, so ties and their FIFO order matter; seeds may share heights.
            var heights = Enumerable.Range(0, n).Select(_ => (float)rng.Next(trial % 2 == 0 ? 3 : 1000)).ToArray();
            var seeds = new ulong[n];
            for (int s = 0; s < 2 + trial % 5; s++)
                seeds[rng.Next(n)] = (ulong)rng.Next(1, 4);
            bool[]? mask = trial % 3 == 0 ? Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.8).ToArray() : null;
            var expected = ReferenceWatershed.Run(heights, seeds, mask, depth, height, width, full, lines);
            foreach (bool levelQueue in new[] { true, false })
            {
                var result = Watershed.Run(
                    new Volume<float>(heights, depth, height, width), new Volume<ulong>(seeds, depth, height, width),
                    mask is null ? null : new Volume<bool>(mask, depth, height, width), full ? Connectivity.Full : Connectivity.Faces, lines, levelQueue);
                Assert.Equal(expected, result.Data);
            }
        }
    }

    [Fact]
    public void TwoBasinsMeetAtTheRidge()
    {
        // Heights rise from both ends to a ridge at x = 4; seeds at the ends.
        float[] h = [0, 1, 2, 3, 9, 3, 2, 1, 0];
        var heights = new Volume<float>(h, 1, 1, 9);
        var seeds = new Volume<uint>(new uint[] { 1, 0, 0, 0, 0, 0, 0, 0, 2 }, 1, 1, 9);
        var labels = Watershed.Run(heights, seeds);
        Assert.Equal(new uint[] { 1, 1, 1, 1, 1, 2, 2, 2, 2 }, labels.Data); // the ridge goes to the basin that reached it first (seed 1, raster order)
        var withLine = Watershed.Run(heights, seeds, watershedLines: true);
        Assert.Equal(new uint[] { 1, 1, 1, 1, 0, 2, 2, 2, 2 }, withLine.Data);
        var masked = Watershed.Run(heights, seeds, new Volume<bool>([true, true, false, true, true, true, true, true, true], 1, 1, 9));
        Assert.Equal(new uint[] { 1, 1, 0, 2, 2, 2, 2, 2, 2 }, masked.Data); // cut off from seed 1 by the mask
    }

    [Fact]
    public void PlateauIsSplitByDistanceToTheSeeds()
    {
        var heights = new Volume<float>(1, 1, 10);
        var seeds = new Volume<ulong>(new ulong[] { 0, 5, 0, 0, 0, 0, 0, 0, 7, 0 }, 1, 1, 10);
        Assert.Equal(new ulong[] { 5, 5, 5, 5, 5, 7, 7, 7, 7, 7 }, Watershed.Run(heights, seeds).Data);
    }

    [Fact]
    public void ManyDistinctHeightsTakeTheHeapAndAgreeWithTheLevelQueue()
    {
        // 40×40×5 = 8000 voxels with continuous heights: more distinct values than the level queue takes.
        var rng = new Random(17);
        var heights = new Volume<float>(Enumerable.Range(0, 8000).Select(_ => rng.NextSingle()).ToArray(), 5, 40, 40);
        var seeds = new Volume<ulong>(5, 40, 40);
        for (int s = 0; s < 30; s++)
            seeds.Data[rng.Next(8000)] = (ulong)(s % 7 + 1);
        Assert.Null(LevelQueue.TryCreate(heights.Data));
        var quantised = new Volume<float>(heights.Data.Select(v => MathF.Round(v * 50)).ToArray(), 5, 40, 40);
        Assert.NotNull(LevelQueue.TryCreate(quantised.Data));
        foreach (bool lines in new[] { false, true })
        {
            var viaHeap = Watershed.Run(heights, seeds, watershedLines: lines);
            Assert.Equal(viaHeap.Data, Watershed.Run(heights, seeds, null, Connectivity.Faces, lines, allowLevelQueue: false).Data);
            Assert.Equal(
                Watershed.Run(quantised, seeds, null, Connectivity.Full, lines, allowLevelQueue: false).Data,
                Watershed.Run(quantised, seeds, null, Connectivity.Full, lines, allowLevelQueue: true).Data);
        }
    }

    [Fact]
    public void RejectsBadInputs()
    {
        var seeds = new Volume<ulong>(1, 3, 3);
        Assert.Throws<NeuroLensException>(() => Watershed.Run(new Volume<float>(1, 3, 4), seeds));
        Assert.Throws<NeuroLensException>(() => Watershed.Run(new Volume<float>([float.NaN, 0, 0, 0, 0, 0, 0, 0, 0], 1, 3, 3), seeds));
        Assert.Throws<NeuroLensException>(() => Watershed.Run(new Volume<float>(1, 3, 3), seeds, connectivity: (Connectivity)3));
    }
}
