using TorchSharp;

namespace NeuroLens.Core.Runtime;

/// <summary>
/// The process-wide compute settings every command shares: thread count and device. Torch's intra-op
/// pool and NeuroLens's own parallel loops both use <see cref="Threads"/>, so <c>--threads N</c> bounds
/// all CPU work and the same inputs, seed and thread count give the same numbers.
/// </summary>
public static class ComputeSettings
{
    private static int _threads = Environment.ProcessorCount;
    private static bool _interopSet;

    /// <summary>Threads used by torch and by NeuroLens's parallel loops (default: all cores).</summary>
    public static int Threads => _threads;

    /// <summary>The device tensors are created on (default: CPU).</summary>
    public static torch.Device Device { get; private set; } = torch.CPU;

    /// <summary>Options for <see cref="Parallel"/> loops that honour <see cref="Threads"/>.</summary>
    public static ParallelOptions ParallelOptions => new() { MaxDegreeOfParallelism = _threads };

    /// <summary>
    /// Applies <c>--threads</c> and <c>--device</c>. <paramref name="threads"/> null or 0 means all
    /// cores. <paramref name="device"/> is <c>cpu</c> or <c>cuda</c> (optionally <c>cuda:N</c>); asking
    /// for CUDA where the loaded libtorch has no CUDA support is an error, never a silent CPU fallback.
    /// </summary>
    public static void Configure(int? threads, string device)
    {
        if (threads is < 0)
            throw new NeuroLensException($"--threads: {threads} is negative; give a positive count or 0 for all cores.");
        _threads = threads is null or 0 ? Environment.ProcessorCount : threads.Value;
        MklInstructionSet.AllowAvx512();
        torch.set_num_threads(_threads);
        if (!_interopSet)
        {
            // libtorch accepts the inter-op pool size once, before any inter-op work starts.
            torch.set_num_interop_threads(Math.Max(1, Math.Min(_threads, 2)));
            _interopSet = true;
        }
        Device = ParseDevice(device);
    }

    /// <summary>Parses <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>, checking that the device exists.</summary>
    public static torch.Device ParseDevice(string device)
    {
        string d = device.Trim().ToLowerInvariant();
        if (d == "cpu") return torch.CPU;
        if (d == "cuda" || d.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!torch.cuda.is_available())
                throw new NeuroLensException($"--device {device}: this build of libtorch has no CUDA device available; use --device cpu.");
            int index = d == "cuda" ? 0 : int.TryParse(d[5..], out var i) ? i : -1;
            if (index < 0 || index >= torch.cuda.device_count())
                throw new NeuroLensException($"--device {device}: no such CUDA device ({torch.cuda.device_count()} present).");
            return new torch.Device(DeviceType.CUDA, index);
        }
        throw new NeuroLensException($"--device {device}: expected cpu, cuda or cuda:N.");
    }
}
