using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;

namespace NeuroLens.Core.Reports;

/// <summary>
/// Versions of the software that produced a result, recorded in <c>results.json</c> so that a number
/// can be traced to the code that computed it.
/// </summary>
/// <param name="NeuroLens">Informational version of the NeuroLens.Core assembly (may carry a commit hash).</param>
/// <param name="Dotnet">The .NET runtime, e.g. <c>".NET 10.0.0"</c>.</param>
/// <param name="TorchSharp">Informational version of the TorchSharp assembly, or null if it cannot be read.</param>
/// <param name="LibTorch">Version of the native libtorch as TorchSharp reports it (<c>torch.__version__</c>), or null if it cannot be obtained.</param>
public sealed record ToolVersions(string NeuroLens, string Dotnet, string? TorchSharp, string? LibTorch)
{
    private static readonly Lazy<ToolVersions> Current = new(Detect);

    /// <summary>The versions of the running process, detected once and cached.</summary>
    public static ToolVersions Detected => Current.Value;

    private static ToolVersions Detect() => new(
        InformationalVersion(typeof(ToolVersions).Assembly) ?? "unknown",
        RuntimeInformation.FrameworkDescription,
        InformationalVersion(typeof(torch).Assembly),
        LibTorchVersion());

    private static string? InformationalVersion(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? assembly.GetName().Version?.ToString();

    private static string? LibTorchVersion()
    {
        // Guarded because touching the torch class runs TorchSharp's static initialisation: where
        // that fails, a command can still write its other results, with this version unknown.
        try
        {
            return torch.__version__;
        }
        catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException
                                       or EntryPointNotFoundException or BadImageFormatException
                                       or NotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }
}
