namespace NeuroLens.Core.Reports;

/// <summary>
/// How a command was run: the provenance part of <c>results.json</c> (everything except the timings
/// and the command's own results).
/// </summary>
/// <param name="Command">The command name, e.g. <c>"entanglement"</c>.</param>
/// <param name="CommandLine">The arguments the program was started with (argv, without the program path).</param>
/// <param name="Seed">The random seed (<c>--seed</c>).</param>
/// <param name="Threads">The number of compute threads (<c>--threads</c>).</param>
/// <param name="Device">The compute device, e.g. <c>"cpu"</c> or <c>"cuda"</c>.</param>
/// <param name="StartedUtc">When the command started, in UTC.</param>
/// <param name="Versions">Versions of NeuroLens, .NET, TorchSharp and libtorch.</param>
public sealed record RunInfo(
    string Command,
    IReadOnlyList<string> CommandLine,
    long Seed,
    int Threads,
    string Device,
    DateTimeOffset StartedUtc,
    ToolVersions Versions)
{
    /// <summary>Describes a run that starts now, with the versions of the running process.</summary>
    /// <param name="command">The command name.</param>
    /// <param name="commandLine">The program's arguments.</param>
    /// <param name="seed">The random seed.</param>
    /// <param name="threads">The number of compute threads.</param>
    /// <param name="device">The compute device.</param>
    /// <returns>The run description with <see cref="StartedUtc"/> set to the current time.</returns>
    public static RunInfo Start(string command, IEnumerable<string> commandLine, long seed, int threads, string device)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        ArgumentNullException.ThrowIfNull(commandLine);
        ArgumentException.ThrowIfNullOrEmpty(device);
        return new RunInfo(command, commandLine.ToArray(), seed, threads, device, DateTimeOffset.UtcNow, ToolVersions.Detected);
    }
}
