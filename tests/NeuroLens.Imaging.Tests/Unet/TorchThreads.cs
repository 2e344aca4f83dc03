using NeuroLens.Core.Runtime;

namespace NeuroLens.Imaging.Tests.Unet;

internal static class TorchThreads
{
    /// <summary>
    /// Tiny networks gain nothing from intra-op threads, and xunit runs test classes in parallel on a
    /// shared machine: with torch's default pool a 100-step test took 33 s instead of 3 s from
    /// oversubscription. Process-wide, so every class that runs networks calls it.
    /// </summary>
    public static void UseOne() => ComputeSettings.Configure(1, "cpu");
}
