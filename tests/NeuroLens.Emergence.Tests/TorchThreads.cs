using NeuroLens.Core.Runtime;

namespace NeuroLens.Emergence.Tests;

internal static class TorchThreads
{
    /// <summary>Small SAEs gain nothing from intra-op threads, and test classes run in parallel on a shared machine.</summary>
    public static void UseOne() => ComputeSettings.Configure(1, "cpu");
}
