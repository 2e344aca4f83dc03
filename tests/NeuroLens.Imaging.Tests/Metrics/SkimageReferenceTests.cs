using System.Text.Json;
using NeuroLens.Imaging.Metrics;
using NeuroLens.Imaging.Tests.Fixtures;

namespace NeuroLens.Imaging.Tests.Metrics;

/// <summary>VI and adapted Rand error against scikit-image 0.19 (tools/make_metric_fixtures.py).</summary>
public class SkimageReferenceTests
{
    public static TheoryData<string> Cases() => new(Fixture.Cases("metrics.json").Select(c => c.GetProperty("name").GetString()!));

    private static JsonElement Case(string name) => Fixture.Cases("metrics.json").Single(c => c.GetProperty("name").GetString() == name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void VariationOfInformationMatchesSkimage(string name)
    {
        var c = Case(name);
        var table = ContingencyTable.Of(
            Fixture.Volume(c, Fixture.ULongs(c, "segmentation")), Fixture.Volume(c, Fixture.ULongs(c, "truth")));
        foreach (var (key, ignore) in new[] { ("vi_none", IgnoreZero.None), ("vi_truth", IgnoreZero.InTruth), ("vi_both", IgnoreZero.InBoth) })
        {
            double[] expected = Fixture.Doubles(c, key); // skimage: [split, merge] in bits
            var vi = VariationOfInformation.Of(table, ignore);
            Assert.Equal(expected[0], vi.Split, 1e-9);
            Assert.Equal(expected[1], vi.Merge, 1e-9);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AdaptedRandErrorMatchesSkimage(string name)
    {
        var c = Case(name);
        var table = ContingencyTable.Of(
            Fixture.Volume(c, Fixture.ULongs(c, "segmentation")), Fixture.Volume(c, Fixture.ULongs(c, "truth")));
        foreach (var (key, ignore) in new[] { ("are_none", IgnoreZero.None), ("are_truth", IgnoreZero.InTruth), ("are_both", IgnoreZero.InBoth) })
        {
            double[] expected = Fixture.Doubles(c, key); // skimage: (error, 'prec' = over truth pairs, 'rec' = over segment pairs)
            var are = AdaptedRandError.Of(table, ignore);
            Assert.Equal(expected[0], are.Error, 1e-9);
            Assert.Equal(expected[1], are.Recall, 1e-9);
            Assert.Equal(expected[2], are.Precision, 1e-9);
        }
    }
}
