using NeuroLens.Core.Runtime;
using NeuroLens.Imaging.Synthetic;

namespace NeuroLens.Imaging.Tests.Synthetic;

public class ThreadCountTests
{
    [Fact]
    public void OutputDoesNotDependOnTheThreadCount()
    {
        int before = ComputeSettings.Threads;
        try
        {
            var options = new SyntheticOptions[]
            {
                EmPresets.Get("mouse-sbem") with { Width = 96, Height = 80, Depth = 4 },
                new TissueOptions { Width = 96, Height = 80 },
                new NucleiOptions { Width = 96, Height = 80 },
            };
            ComputeSettings.Configure(1, "cpu");
            var single = options.Select(o => SyntheticData.Generate(o, 3)).ToList();
            ComputeSettings.Configure(2, "cpu");
            var dual = options.Select(o => SyntheticData.Generate(o, 3)).ToList();
            for (int k = 0; k < options.Length; k++) SyntheticAssert.Identical(single[k], dual[k]);
        }
        finally
        {
            ComputeSettings.Configure(before, "cpu");
        }
    }
}
