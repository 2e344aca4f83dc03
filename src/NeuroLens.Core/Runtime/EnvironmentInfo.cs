using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text.Json.Serialization;
using NeuroLens.Core.Reports;
using TorchSharp;

namespace NeuroLens.Core.Runtime;

/// <summary>What NeuroLens runs on: versions, threads, device and SIMD support.</summary>
/// <param name="NeuroLens">NeuroLens's informational version.</param>
/// <param name="DotNet">The .NET runtime description.</param>
/// <param name="Os">The operating system and architecture.</param>
/// <param name="TorchSharp">The TorchSharp assembly version.</param>
/// <param name="LibTorch">The libtorch version TorchSharp reports.</param>
/// <param name="Cores">Logical processors.</param>
/// <param name="Threads">Torch intra-op threads in use.</param>
/// <param name="InteropThreads">Torch inter-op threads.</param>
/// <param name="Device">The configured device.</param>
/// <param name="CudaAvailable">Whether the loaded libtorch sees a CUDA device.</param>
/// <param name="SimdWidthBits">Width of <see cref="System.Numerics.Vector{T}"/> in bits (the widest SIMD .NET uses here).</param>
/// <param name="SimdInstructionSets">Accelerated x86/Arm instruction sets (AVX2, AVX-512F, FMA, AdvSIMD, ...).</param>
public sealed record EnvironmentInfo(
    [property: JsonPropertyName("neurolens")] string NeuroLens,
    [property: JsonPropertyName("dotnet")] string DotNet,
    string Os,
    [property: JsonPropertyName("torchsharp")] string TorchSharp,
    [property: JsonPropertyName("libtorch")] string LibTorch, int Cores, int Threads,
    int InteropThreads, string Device, bool CudaAvailable, int SimdWidthBits, IReadOnlyList<string> SimdInstructionSets)
{
    /// <summary>Reads the current environment (initialises torch if it is not yet loaded).</summary>
    public static EnvironmentInfo Current()
    {
        var versions = ToolVersions.Detected;
        var sets = new List<string>();
        if (Sse42.IsSupported) sets.Add("SSE4.2");
        if (Avx2.IsSupported) sets.Add("AVX2");
        if (Fma.IsSupported) sets.Add("FMA");
        if (Avx512F.IsSupported) sets.Add("AVX-512F");
        if (System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported) sets.Add("AdvSIMD");
        if (Vector512.IsHardwareAccelerated) sets.Add("Vector512");
        return new EnvironmentInfo(
            NeuroLens: versions.NeuroLens,
            DotNet: versions.Dotnet,
            Os: $"{RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})",
            TorchSharp: versions.TorchSharp ?? "unavailable",
            LibTorch: versions.LibTorch ?? "unavailable",
            Cores: Environment.ProcessorCount,
            Threads: torch.get_num_threads(),
            InteropThreads: torch.get_num_interop_threads(),
            Device: ComputeSettings.Device.ToString(),
            CudaAvailable: torch.cuda.is_available(),
            SimdWidthBits: System.Numerics.Vector<byte>.Count * 8,
            SimdInstructionSets: sets);
    }
}
