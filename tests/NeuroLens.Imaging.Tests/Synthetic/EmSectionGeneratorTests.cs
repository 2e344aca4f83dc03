using NeuroLens.Imaging.Synthetic;

namespace NeuroLens.Imaging.Tests.Synthetic;

public class EmSectionGeneratorTests
{
    private static readonly EmSectionOptions Patch = EmPresets.Get("songbird-sbem") with { Width = 160, Height = 128 };
    private static readonly EmSectionOptions Stack = EmPresets.Get("human-ssem") with { Width = 72, Height = 64, Depth = 10, CellDiameter = 24, SectionJitter = 1.5 };

    [Fact]
    public void SameSeedIdenticalDifferentSeedDifferent()
    {
        foreach (var options in new[] { Patch, Stack })
        {
            var a = EmSectionGenerator.Generate(options, 9);
            SyntheticAssert.Identical(a, EmSectionGenerator.Generate(options, 9));
            var b = EmSectionGenerator.Generate(options, 10);
            Assert.NotEqual(a.Image.Data, b.Image.Data);
            Assert.NotEqual(a.Labels.Data, b.Labels.Data);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LabelsAreTheVoronoiCellsThatMeetThePatch(bool threeD)
    {
        var options = threeD ? Stack : Patch;
        const int seed = 4;
        var s = EmSectionGenerator.Generate(options, seed);
        // Brute force over every seed, with the generator's own layout (the generator forks stream 1 for cells).
        var layout = EmCellLayout.Create(options, new SyntheticRng(seed).Fork(1));
        var owner = new int[s.Labels.Data.Length];
        Span<double> q = stackalloc double[3];
        for (int z = 0; z < options.Depth; z++)
            for (int y = 0; y < options.Height; y++)
                for (int x = 0; x < options.Width; x++)
                {
                    layout.Metric(z, y, x, q);
                    int best = 0;
                    for (int i = 1; i < layout.Seeds.Length; i++)
                        if (layout.Power(q, i) < layout.Power(q, best)) best = i;
                    owner[s.Labels.Index(z, y, x)] = best;
                }
        int cells = owner.Distinct().Count();
        Assert.Equal(cells, (int)s.Labels.Data.Max());
        Assert.Equal(cells, s.Labels.Data.Distinct().Count());
        Assert.Equal(cells, (int)s.Metadata["cells"]);
        Assert.DoesNotContain(0u, s.Labels.Data);
        // Same partition, except the digitisation slivers the generator merged into a neighbour.
        var majority = owner.Zip(s.Labels.Data).GroupBy(p => p.First)
            .ToDictionary(g => g.Key, g => g.GroupBy(p => p.Second).OrderByDescending(h => h.Count()).First().Key);
        int differing = owner.Zip(s.Labels.Data).Count(p => majority[p.First] != p.Second);
        Assert.True(differing <= s.Metadata["mergedSliverVoxels"], $"{differing} voxels differ from the power diagram");
        // Slivers are rare: thin cells cut by few, shifted sections make most of them in 3D.
        Assert.True(differing <= s.Labels.Data.Length / 50, $"{differing} sliver voxels is too many");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryCellIsConnectedAndBoundariesAreExactlyWhereLabelsChange(bool threeD)
    {
        var s = EmSectionGenerator.Generate(threeD ? Stack : Patch, 2);
        var labels = s.Labels;
        for (uint l = 1; l <= labels.Data.Max(); l++) Assert.Equal(1, SyntheticAssert.ComponentCount(labels, l));
        for (int z = 0; z < labels.Depth; z++)
            for (int y = 0; y < labels.Height; y++)
                for (int x = 0; x < labels.Width; x++)
                {
                    uint l = labels[z, y, x];
                    bool change = (x > 0 && labels[z, y, x - 1] != l) || (x < labels.Width - 1 && labels[z, y, x + 1] != l)
                        || (y > 0 && labels[z, y - 1, x] != l) || (y < labels.Height - 1 && labels[z, y + 1, x] != l)
                        || (z > 0 && labels[z - 1, y, x] != l) || (z < labels.Depth - 1 && labels[z + 1, y, x] != l);
                    Assert.Equal(change ? 1 : 0, s.Mask[z, y, x]);
                }
    }

    [Fact]
    public void MembranesAreDarkerThanCytoplasmAndValuesLieInRange()
    {
        foreach (var name in EmPresets.Names)
        {
            var s = EmSectionGenerator.Generate(EmPresets.Get(name) with { Width = 128, Height = 128 }, 1);
            SyntheticAssert.AllIn01(s.Image);
            double membrane = SyntheticAssert.MeanWhere(s.Image, i => s.Mask.Data[i] == 1);
            double cytoplasm = SyntheticAssert.MeanWhere(s.Image, i => s.Mask.Data[i] == 0 && s.Classes.Data[i] == 0);
            Assert.True(membrane < cytoplasm - 0.05, $"{name}: membranes {membrane:F3} vs cytoplasm {cytoplasm:F3}");
        }
    }

    [Fact]
    public void OrganellesLieInsideOneCellClearOfItsMembrane()
    {
        var options = Patch with { Width = 256, Height = 256, MitochondriaDensity = 200, VesicleClusterDensity = 150 };
        var s = EmSectionGenerator.Generate(options, 3);
        Assert.Contains(s.Objects, o => o.Class == EmSectionGenerator.MitochondrionClass);
        Assert.Contains(s.Objects, o => o.Class == EmSectionGenerator.VesicleClass);
        var covered = new bool[s.Classes.Data.Length];
        foreach (var o in s.Objects)
        {
            var cellsTouched = new HashSet<uint>();
            for (int y = 0; y < options.Height; y++)
                for (int x = 0; x < options.Width; x++)
                {
                    if (!o.Contains(0, y, x)) continue;
                    long i = s.Classes.Index(0, y, x);
                    Assert.False(covered[i], "organelles overlap");
                    covered[i] = true;
                    Assert.Equal(o.Class, s.Classes.Data[i]);
                    Assert.Equal(0, s.Mask.Data[i]);
                    cellsTouched.Add(s.Labels.Data[i]);
                }
            Assert.Single(cellsTouched);
        }
        for (long i = 0; i < covered.Length; i++) Assert.Equal(covered[i], s.Classes.Data[i] is EmSectionGenerator.MitochondrionClass or EmSectionGenerator.VesicleClass);
        // Mitochondria are dark.
        double mito = SyntheticAssert.MeanWhere(s.Image, i => s.Classes.Data[i] == EmSectionGenerator.MitochondrionClass);
        double cytoplasm = SyntheticAssert.MeanWhere(s.Image, i => s.Classes.Data[i] == 0 && s.Mask.Data[i] == 0);
        Assert.True(mito < cytoplasm - 0.1, $"mitochondria {mito:F3} vs cytoplasm {cytoplasm:F3}");
    }

    [Fact]
    public void ThreeDimensionalVolumesAreAnisotropic()
    {
        var s = EmSectionGenerator.Generate(Stack, 1);
        Assert.Equal(3, s.Image.Dimensions);
        Assert.Equal(new[] { 10, 64, 72 }, s.Image.Shape);
        Assert.Equal(Stack.ZScale, s.Image.VoxelSize[0]);
        // With z steps 8 × the xy step, more voxels change label between sections than between rows.
        long zChanges = 0, yChanges = 0;
        for (int z = 0; z < 9; z++)
            for (int y = 0; y < 63; y++)
                for (int x = 0; x < 72; x++)
                {
                    if (s.Labels[z, y, x] != s.Labels[z + 1, y, x]) zChanges++;
                    if (s.Labels[z, y, x] != s.Labels[z, y + 1, x]) yChanges++;
                }
        Assert.True(zChanges > 2 * yChanges, $"z changes {zChanges}, y changes {yChanges}");
    }

    [Fact]
    public void MyelinatedAxonsHaveDarkSheathsInsideTheirCells()
    {
        var options = EmPresets.Get("songbird-sbem") with { Width = 256, Height = 256, MyelinFraction = 0.3 };
        var s = EmSectionGenerator.Generate(options, 2);
        Assert.True(s.Metadata["myelinatedAxons"] > 5);
        var sheathCells = new HashSet<uint>();
        for (long i = 0; i < s.Classes.Data.Length; i++)
            if (s.Classes.Data[i] == EmSectionGenerator.MyelinClass) sheathCells.Add(s.Labels.Data[i]);
        Assert.Equal((int)s.Metadata["myelinatedAxons"], sheathCells.Count);
        // Each myelinated cell's border voxels are sheath; no organelle sits in a sheath (classes are exclusive).
        for (long i = 0; i < s.Classes.Data.Length; i++)
            if (s.Mask.Data[i] == 1 && sheathCells.Contains(s.Labels.Data[i])) Assert.Equal(EmSectionGenerator.MyelinClass, s.Classes.Data[i]);
        double myelin = SyntheticAssert.MeanWhere(s.Image, i => s.Classes.Data[i] == EmSectionGenerator.MyelinClass);
        double cytoplasm = SyntheticAssert.MeanWhere(s.Image, i => s.Classes.Data[i] == 0 && s.Mask.Data[i] == 0);
        Assert.True(myelin < cytoplasm - 0.2, $"myelin {myelin:F3} vs cytoplasm {cytoplasm:F3}");
        Assert.Equal(0, EmSectionGenerator.Generate(EmPresets.Get("fly-sstem") with { Width = 64, Height = 64 }, 2).Metadata["myelinatedAxons"]);
    }

    [Fact]
    public void PostsynapticDensitiesFaceVesicleClustersAcrossAMembrane()
    {
        var options = EmPresets.Get("fly-sstem") with { Width = 256, Height = 256, VesicleClusterDensity = 150, Photons = 0, ReadNoise = 0 };
        var s = EmSectionGenerator.Generate(options, 4);
        Assert.True(s.Metadata["postsynapticDensityVoxels"] > 0);
        var vesicles = s.Objects.Where(o => o.Class == EmSectionGenerator.VesicleClass).ToList();
        var boundary = new List<(int Y, int X)>();
        for (int y = 0; y < 256; y++)
            for (int x = 0; x < 256; x++)
                if (s.Mask[0, y, x] == 1) boundary.Add((y, x));
        double synapse = 0, membrane = 0;
        int nSynapse = 0, nMembrane = 0;
        for (int y = 0; y < 256; y++)
            for (int x = 0; x < 256; x++)
            {
                long i = s.Labels.Index(0, y, x);
                if (s.Classes.Data[i] == EmSectionGenerator.SynapseClass)
                {
                    // On a membrane band (Elongation 1.6 stretches the band by up to that factor) ...
                    Assert.Contains(boundary, b => (b.Y - y) * (b.Y - y) + (b.X - x) * (b.X - x) <= 9 * 9);
                    // ... facing vesicles of another cell.
                    Assert.Contains(vesicles, v => s.Labels[0, Math.Min(255, (int)Math.Round(v.Center[1])), Math.Min(255, (int)Math.Round(v.Center[2]))] != s.Labels.Data[i]
                        && Math.Abs(v.Center[1] - y) + Math.Abs(v.Center[2] - x) < 150);
                    synapse += s.Image.Data[i];
                    nSynapse++;
                }
                else if (s.Mask.Data[i] == 1)
                {
                    membrane += s.Image.Data[i];
                    nMembrane++;
                }
            }
        Assert.True(synapse / nSynapse < membrane / nMembrane, $"synapses {synapse / nSynapse:F3} vs membranes {membrane / nMembrane:F3}");
    }
}
