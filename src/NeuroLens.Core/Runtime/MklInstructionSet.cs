using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace NeuroLens.Core.Runtime;

/// <summary>
/// libtorch's CPU build does its matrix products in Intel MKL, which chooses its kernels by CPU vendor: on AMD
/// processors with AVX-512 (Zen 4 and later) it keeps to a slower path unless <c>MKL_ENABLE_INSTRUCTIONS</c>
/// allows AVX-512. On this project's 2-core AMD EPYC machine the GPT-NeoX <c>base</c> forward of 1 × 32 tokens took
/// 3.8 ms with MKL's own choice, 3.2 ms with the variable set by this class and 2.8 ms with it exported before the
/// process started (docs/benchmarks.md). The variable must be in the
/// native environment before MKL's first call, and .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/>
/// does not reach native code on Unix, so libc's <c>setenv</c> sets it. A value the user set is kept.
/// </summary>
public static partial class MklInstructionSet
{
    private const string Variable = "MKL_ENABLE_INSTRUCTIONS";

    /// <summary>
    /// Allows MKL's AVX-512 kernels where the CPU has AVX-512 (Linux only; nothing happens elsewhere, on CPUs
    /// without AVX-512, or when the variable is already set). Call it before the first matrix product.
    /// </summary>
    /// <returns>True when this call set the variable.</returns>
    public static bool AllowAvx512()
    {
        if (!OperatingSystem.IsLinux() || !Avx512F.IsSupported || Environment.GetEnvironmentVariable(Variable) is not null) return false;
        return SetEnvironment(Variable, "AVX512", 0) == 0;
    }

    [LibraryImport("libc.so.6", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvironment(string name, string value, int overwrite);
}
