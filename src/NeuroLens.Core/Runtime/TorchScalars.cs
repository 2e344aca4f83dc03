using System.Collections.Concurrent;
using TorchSharp;

namespace NeuroLens.Core.Runtime;

/// <summary>
/// Native <see cref="Scalar"/>s that stay alive. TorchSharp 0.107 turns a number passed to a tensor
/// operation (<c>t.mul(0.5)</c>, <c>t.add_(u, alpha: 2)</c>, <c>t.add(u)</c>'s hidden alpha of 1) into a
/// temporary native Scalar that nothing references during the native call; when another thread's
/// allocations trigger a garbage collection in that window, the finalizer frees it while libtorch
/// reads it ("Unknown scalar type", docs/models.md). NeuroLens's libraries therefore never convert
/// implicitly (the banned-API analyzer enforces it, build/BannedSymbols.txt): constants come from
/// here, rooted for the life of the process; a value computed at run time is held by the caller for
/// the duration of the call (<c>using var s = value.ToScalar();</c>).
/// </summary>
public static class TorchScalars
{
    private static readonly ConcurrentDictionary<double, Scalar> Reals = new();
    private static readonly ConcurrentDictionary<long, Scalar> Integers = new();

    /// <summary>The integer 0.</summary>
    public static Scalar Zero { get; } = Of(0L);

    /// <summary>The integer 1 (the alpha of a plain addition).</summary>
    public static Scalar One { get; } = Of(1L);

    /// <summary>The integer −1 (the alpha of a subtraction).</summary>
    public static Scalar MinusOne { get; } = Of(-1L);

    /// <summary>The integer 2 (squares).</summary>
    public static Scalar Two { get; } = Of(2L);

    /// <summary>
    /// The rooted double-precision Scalar of a constant (an epsilon, a fixed factor). Each distinct value
    /// is made once and kept for the life of the process, so pass constants only; a value computed at run
    /// time (a learning rate, a data-dependent scale) is held by the caller with <c>using</c> instead.
    /// </summary>
    public static Scalar Of(double value) => Reals.GetOrAdd(value, static v => v.ToScalar());

    /// <summary>The rooted integer Scalar of a constant (integer tensors need integer Scalars).</summary>
    public static Scalar Of(long value) => Integers.GetOrAdd(value, static v => v.ToScalar());
}
