using System.Globalization;
using NeuroLens.Core.TensorFiles;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Core.Runtime;

/// <summary>
/// Adam and AdamW with the update of PyTorch's <c>torch.optim.Adam</c> / <c>AdamW</c> (default single-tensor
/// path, no amsgrad, no maximize), operation for operation, holding every native <see cref="Scalar"/> it
/// passes to libtorch. TorchSharp's own <c>optim.Adam</c>/<c>AdamW</c> make temporary Scalars in each step
/// that the garbage collector may free while libtorch reads them (<see cref="TorchScalars"/>), so NeuroLens
/// trains with this class instead.
/// </summary>
/// <remarks>
/// Per parameter p with gradient g, at its step t (counted per parameter, as PyTorch does; a parameter
/// without a gradient is skipped and its count stays): with L2 weight decay (Adam) g ← g + wd·p; with
/// decoupled weight decay (AdamW) first p ← p·(1 − lr·wd); then m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g²,
/// p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε). The state — per parameter its step count and the
/// moments <c>exp_avg</c> (m) and <c>exp_avg_sq</c> (v) — is saved to and loaded from a safetensors file
/// (<see cref="Save"/>, <see cref="Load"/>) so a resumed run continues exactly.
/// </remarks>
public sealed class AdamOptimizer : IDisposable
{
    private const string StepName = "step";
    private readonly AdamParameterGroup[] _groups;
    private readonly Tensor[] _parameters;
    private readonly int[] _groupOf;
    private readonly Tensor[] _m;
    private readonly Tensor[] _v;
    private readonly long[] _steps;
    private readonly Scalar _beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2, _epsilon;
    private readonly Scalar?[] _l2;
    private bool _disposed;

    /// <summary>An optimizer over <paramref name="groups"/>; the moments start at zero on each parameter's device.</summary>
    /// <param name="groups">Parameter groups; a parameter may appear only once in all.</param>
    /// <param name="decoupledWeightDecay">True for AdamW (decoupled weight decay), false for Adam (L2 weight decay added to the gradient).</param>
    /// <param name="beta1">β₁ in [0, 1).</param>
    /// <param name="beta2">β₂ in [0, 1).</param>
    /// <param name="epsilon">ε, 0 or more, added to the denominator.</param>
    public AdamOptimizer(IReadOnlyList<AdamParameterGroup> groups, bool decoupledWeightDecay, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        if (!(beta1 is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β₁ must be in [0, 1)");
        if (!(beta2 is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β₂ must be in [0, 1)");
        if (!(epsilon >= 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be 0 or more");
        _groups = groups.ToArray();
        _parameters = _groups.SelectMany(g => g.Parameters).ToArray();
        if (_parameters.Select(p => p.Handle).Distinct().Count() != _parameters.Length)
            throw new ArgumentException("a parameter appears more than once in the optimizer's groups", nameof(groups));
        _groupOf = _groups.SelectMany((g, i) => g.Parameters.Select(_ => i)).ToArray();
        DecoupledWeightDecay = decoupledWeightDecay;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        _beta1 = beta1.ToScalar();
        _oneMinusBeta1 = (1 - beta1).ToScalar();
        _beta2 = beta2.ToScalar();
        _oneMinusBeta2 = (1 - beta2).ToScalar();
        _epsilon = epsilon.ToScalar();
        _l2 = _groups.Select(g => decoupledWeightDecay || g.WeightDecay == 0 ? null : g.WeightDecay.ToScalar()).ToArray();
        using (no_grad())
        {
            _m = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
            _v = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        }
        _steps = new long[_parameters.Length];
    }

    /// <summary>Adam (<c>torch.optim.Adam</c>) over one group of <paramref name="parameters"/>, with L2 weight decay <paramref name="weightDecay"/>.</summary>
    public static AdamOptimizer Adam(IEnumerable<Tensor> parameters, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0) =>
        new([new AdamParameterGroup(parameters, weightDecay)], decoupledWeightDecay: false, beta1, beta2, epsilon);

    /// <summary>AdamW (<c>torch.optim.AdamW</c>, decoupled weight decay) over <paramref name="groups"/>, each with its own weight decay.</summary>
    public static AdamOptimizer AdamW(IReadOnlyList<AdamParameterGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8) =>
        new(groups, decoupledWeightDecay: true, beta1, beta2, epsilon);

    /// <summary>True for AdamW, false for Adam.</summary>
    public bool DecoupledWeightDecay { get; }

    /// <summary>β₁.</summary>
    public double Beta1 { get; }

    /// <summary>β₂.</summary>
    public double Beta2 { get; }

    /// <summary>ε.</summary>
    public double Epsilon { get; }

    /// <summary>The parameter groups.</summary>
    public IReadOnlyList<AdamParameterGroup> Groups => _groups;

    /// <summary>Every parameter, group after group: the order of the state's indices.</summary>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>The first moments (<c>exp_avg</c>), one per parameter in <see cref="Parameters"/> order; updated in place.</summary>
    public IReadOnlyList<Tensor> FirstMoments => _m;

    /// <summary>The second moments (<c>exp_avg_sq</c>), one per parameter in <see cref="Parameters"/> order; updated in place.</summary>
    public IReadOnlyList<Tensor> SecondMoments => _v;

    /// <summary>Per parameter, the updates it has received (PyTorch's <c>state["step"]</c>).</summary>
    public IReadOnlyList<long> StepCounts => _steps;

    /// <summary>Sets every parameter's step count (for state restored from elsewhere, with the moments copied into <see cref="FirstMoments"/> and <see cref="SecondMoments"/>).</summary>
    public void SetStepCount(long steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        Array.Fill(_steps, steps);
    }

    /// <summary>Zeroes every parameter's gradient (those that have one), as <c>zero_grad(set_to_none=False)</c>.</summary>
    public void ZeroGrad()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var p in _parameters)
        {
            using var grad = p.grad;
            grad?.zero_();
        }
    }

    /// <summary>One update of every parameter that has a gradient, with learning rate <paramref name="learningRate"/> for all groups.</summary>
    public void Step(double learningRate)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!(learningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "the learning rate must be 0 or more");
        using var noGrad = no_grad();
        for (int i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i];
            using var grad = p.grad;
            if (grad is null) continue;
            var group = _groups[_groupOf[i]];
            long t = ++_steps[i];
            if (DecoupledWeightDecay && group.WeightDecay != 0)
            {
                using var keep = (1 - learningRate * group.WeightDecay).ToScalar();
                p.mul_(keep);
            }
            using var l2Grad = _l2[_groupOf[i]] is Scalar wd ? grad.add(p, wd) : null;
            var g = l2Grad ?? grad;
            _m[i].mul_(_beta1).add_(g, _oneMinusBeta1);
            _v[i].mul_(_beta2).addcmul_(g, g, _oneMinusBeta2);
            double correction1 = 1 - Math.Pow(Beta1, t);
            double correction2 = 1 - Math.Pow(Beta2, t);
            using var sqrtCorrection2 = Math.Sqrt(correction2).ToScalar();
            using var negativeStepSize = (-(learningRate / correction1)).ToScalar();
            using var root = _v[i].sqrt();
            using var denominator = root.div(sqrtCorrection2);
            denominator.add_(_epsilon, TorchScalars.One);
            p.addcdiv_(_m[i], denominator, negativeStepSize);
        }
    }

    // The state as named tensors: "step" (int64 [P], the step counts) and, per parameter index i,
    // "exp_avg.i" and "exp_avg_sq.i" (the moments themselves, not copies).
    private List<(string Name, Tensor Tensor)> StateTensors(Tensor stepCounts)
    {
        var list = new List<(string, Tensor)> { (StepName, stepCounts) };
        for (int i = 0; i < _parameters.Length; i++)
        {
            list.Add(($"exp_avg.{i}", _m[i]));
            list.Add(($"exp_avg_sq.{i}", _v[i]));
        }
        return list;
    }

    /// <summary>
    /// Writes the state to the safetensors file <paramref name="path"/>, atomically: <c>step</c> (int64 [P], the
    /// step counts) and, per parameter index i in <see cref="Parameters"/> order, <c>exp_avg.i</c> and
    /// <c>exp_avg_sq.i</c>; the metadata records the variant, β₁, β₂ and ε (for reading, not checked on load).
    /// </summary>
    public void Save(string path)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var steps = tensor(_steps, [_steps.Length]);
        var metadata = new Dictionary<string, string>
        {
            ["optimizer"] = DecoupledWeightDecay ? "AdamW" : "Adam",
            ["parameters"] = _parameters.Length.ToString(CultureInfo.InvariantCulture),
            ["betas"] = string.Create(CultureInfo.InvariantCulture, $"{Beta1:R},{Beta2:R}"),
            ["eps"] = Epsilon.ToString("R", CultureInfo.InvariantCulture),
        };
        SafetensorsWriter.Write(path, StateTensors(steps), metadata);
    }

    /// <summary>
    /// Replaces the state with the one saved by <see cref="Save"/> in <paramref name="path"/>. The file must
    /// hold exactly the tensors of this optimizer's parameters, with their shapes and dtypes; otherwise a
    /// one-line <see cref="NeuroLensException"/> naming the file is thrown and the state is left unchanged.
    /// </summary>
    public void Load(string path)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!File.Exists(path)) throw new NeuroLensException($"{path}: optimizer state not found");
        using var source = TensorFile.Open(path);
        var expected = new List<(string Name, DType DType, long[] Shape)> { (StepName, DType.I64, [_parameters.Length]) };
        for (int i = 0; i < _parameters.Length; i++)
        {
            var dtype = DTypeExtensions.FromScalarType(_parameters[i].dtype)
                ?? throw new NeuroLensException($"{path}: parameter {i} has dtype {_parameters[i].dtype}, which a tensor file cannot hold");
            expected.Add(($"exp_avg.{i}", dtype, _parameters[i].shape));
            expected.Add(($"exp_avg_sq.{i}", dtype, _parameters[i].shape));
        }
        var names = source.Entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Where(e => !names.Contains(e.Name)).Select(e => e.Name).ToList();
        var known = expected.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var unexpected = source.Entries.Select(e => e.Name).Where(n => !known.Contains(n)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new NeuroLensException($"{path}: not the optimizer state of these {_parameters.Length} parameters" +
                (missing.Count > 0 ? $"; missing {string.Join(", ", missing.Take(5))}" : "") +
                (unexpected.Count > 0 ? $"; unexpected {string.Join(", ", unexpected.Take(5).Select(TensorFileException.Quote))}" : ""));
        foreach (var (name, dtype, shape) in expected)
        {
            var entry = source.GetEntry(name);
            if (entry.DType != dtype || !entry.Shape.SequenceEqual(shape))
                throw new NeuroLensException($"{path}: tensor '{name}' is {entry.DType} {entry.ShapeText}, expected {dtype} ({string.Join(", ", shape)})");
        }
        var steps = new long[_parameters.Length];
        using (var stepTensor = source.ReadTensor(StepName))
            stepTensor.data<long>().CopyTo(steps, 0);
        if (steps.Any(s => s < 0)) throw new NeuroLensException($"{path}: tensor 'step' holds a negative step count");
        var loaded = new List<Tensor>();
        try
        {
            for (int i = 0; i < _parameters.Length; i++)
            {
                loaded.Add(source.ReadTensor($"exp_avg.{i}"));
                loaded.Add(source.ReadTensor($"exp_avg_sq.{i}"));
            }
            using var noGrad = no_grad();
            for (int i = 0; i < _parameters.Length; i++)
            {
                _m[i].copy_(loaded[2 * i]);
                _v[i].copy_(loaded[2 * i + 1]);
            }
            steps.CopyTo(_steps, 0);
        }
        finally
        {
            foreach (var t in loaded) t.Dispose();
        }
    }

    /// <summary>Frees the moments and the held Scalars (not the parameters).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var t in _m.Concat(_v)) t.Dispose();
        foreach (var s in new[] { _beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2, _epsilon }.Concat(_l2.OfType<Scalar>())) s.Dispose();
    }
}
