using NeuroLens.Core;
using NeuroLens.Imaging.Synthetic;

namespace NeuroLens.Imaging.Tests.Synthetic;

public class EmPresetsTests
{
    [Fact]
    public void AtLeastSixDistinctValidPresets()
    {
        Assert.True(EmPresets.Names.Count >= 6);
        foreach (var name in EmPresets.Names) EmPresets.Get(name).Validate();
        var vectors = EmPresets.Names.Select(n => string.Join(",", EmPresets.Normalise(EmPresets.Get(n)).Select(v => v.ToString("R")))).ToList();
        Assert.Equal(vectors.Count, vectors.Distinct().Count());
        Assert.Equal(EmPresets.ParameterNames.Count, EmPresets.Normalise(EmPresets.Get(EmPresets.Names[0])).Length);
        Assert.Throws<NeuroLensException>(() => EmPresets.Get("no-such-dataset"));
    }

    [Fact]
    public void ParameterDistanceIsAMetricOnThePresets()
    {
        var names = EmPresets.Names;
        foreach (var a in names)
        {
            Assert.Equal(0, EmPresets.ParameterDistance(a, a));
            foreach (var b in names)
            {
                double ab = EmPresets.ParameterDistance(a, b);
                Assert.Equal(ab, EmPresets.ParameterDistance(b, a), 12);
                if (a != b) Assert.True(ab > 0.05, $"{a} and {b} are only {ab} apart");
                foreach (var c in names)
                    Assert.True(EmPresets.ParameterDistance(a, c) <= ab + EmPresets.ParameterDistance(b, c) + 1e-12);
            }
        }
    }

    [Fact]
    public void DistanceFollowsTheNormalisationAndIgnoresOrientation()
    {
        var a = EmPresets.Get("mouse-sbem");
        Assert.Equal(0, EmPresets.ParameterDistance(a, a with { ElongationAngle = 2, StripeAngle = 1, Width = 999 }));
        // One linear parameter moved by its whole range [0, 1]: distance 1/√K.
        int k = EmPresets.ParameterNames.Count;
        Assert.Equal(1 / Math.Sqrt(k), EmPresets.ParameterDistance(a with { MembraneDarkness = 0 }, a with { MembraneDarkness = 1 }), 12);
        // One log-scaled parameter doubled: ln 2 / ln(120/8) of its range.
        Assert.Equal(Math.Log(2) / Math.Log(15) / Math.Sqrt(k), EmPresets.ParameterDistance(a with { CellDiameter = 20 }, a with { CellDiameter = 40 }), 12);
        // Block-face data (FIB-SEM, SBEM) lie closer to each other than to serial-section TEM on film.
        Assert.True(EmPresets.ParameterDistance("fly-fib-sem", "zebrafish-sbem") < EmPresets.ParameterDistance("fly-fib-sem", "worm-tem"));
    }

    [Fact]
    public void PresetsDifferInTheImagesTheyMake()
    {
        var cells = EmPresets.Names.ToDictionary(n => n, n => EmSectionGenerator.Generate(EmPresets.Get(n) with { Width = 192, Height = 192 }, 0).Metadata["cells"]);
        foreach (var a in EmPresets.Names)
            foreach (var b in EmPresets.Names)
                if (EmPresets.Get(a).CellDiameter * EmPresets.Get(a).Elongation > 1.5 * EmPresets.Get(b).CellDiameter * EmPresets.Get(b).Elongation)
                    Assert.True(cells[a] < cells[b], $"{a} ({cells[a]} cells) should hold fewer cells than {b} ({cells[b]})");
    }
}
