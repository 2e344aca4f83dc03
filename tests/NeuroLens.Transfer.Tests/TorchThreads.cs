using NeuroLens.Core.Runtime;

namespace NeuroLens.Transfer.Tests;

internal static class TorchThreads
{
    /// <summary>Tiny networks gain nothing from intra-op threads, and test classes run in parallel on a shared machine.</summary>
    public static void UseOne() => ComputeSettings.Configure(1, "cpu");
}
