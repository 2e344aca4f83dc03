using NeuroLens.Core;
using NeuroLens.Models.Language;

namespace NeuroLens.Models.Capture;

/// <summary>
/// Turns site specifications into the <see cref="CaptureSite"/>s of a model. A specification is either
/// <list type="bullet">
/// <item><c>resid_post.L</c> — the residual stream after block L (L a number, or a <see cref="ModuleGlob"/>
/// over the number such as <c>resid_post.*</c> for every block), or</item>
/// <item><c>PATTERN[:input|:output|:both]</c> — the output (default), the input, or both, of every linear
/// layer whose module name (<see cref="ILanguageModel.LinearLayerNames"/>) matches the
/// <see cref="ModuleGlob"/> <c>PATTERN</c>.</item>
/// </list>
/// Sites come in the order of the specifications; inside one, in the model's data order (input before
/// output). A site named twice is kept once. A specification that matches nothing is an error.
/// </summary>
public static class CaptureSites
{
    /// <summary>Resolves <paramref name="specifications"/> against <paramref name="model"/>.</summary>
    /// <exception cref="NeuroLensException">A specification matches nothing or has an unknown suffix; the message lists what exists.</exception>
    public static IReadOnlyList<CaptureSite> Resolve(ILanguageModel model, IEnumerable<string> specifications)
    {
        var sites = new List<CaptureSite>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var linears = model.LinearLayerNames;
        void Add(CaptureSite site)
        {
            if (seen.Add(site.Name)) sites.Add(site);
        }
        foreach (var raw in specifications)
        {
            var spec = raw.Trim();
            if (spec.Length == 0) throw new NeuroLensException("capture site: an empty site specification was given");
            if (spec.StartsWith(CaptureSite.ResidPostPrefix, StringComparison.Ordinal))
            {
                var glob = new ModuleGlob(spec[CaptureSite.ResidPostPrefix.Length..] is { Length: > 0 } l ? l
                    : throw new NeuroLensException($"capture site '{spec}': a block number is expected after resid_post. (0..{model.NumLayers - 1} or *)"));
                var layers = Enumerable.Range(0, model.NumLayers).Where(l => glob.IsMatch(l.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
                if (layers.Count == 0)
                    throw new NeuroLensException($"capture site '{spec}': the model has blocks 0..{model.NumLayers - 1}");
                foreach (var layer in layers)
                    Add(new CaptureSite(CaptureSite.ResidPostName(layer), CaptureSiteKind.ResidPost, model.BlockName(layer), layer, model.HiddenSize));
                continue;
            }
            var (pattern, wantInput, wantOutput) = SplitSuffix(spec);
            var moduleGlob = new ModuleGlob(pattern);
            var matched = linears.Where(moduleGlob.IsMatch).ToList();
            if (matched.Count == 0)
                throw new NeuroLensException($"capture site '{spec}': no linear layer matches '{pattern}' "
                    + $"(the model's linear layers are named like {string.Join(", ", Examples(model))}; * stays inside one dotted segment, ** crosses dots)");
            foreach (var name in matched)
            {
                var linear = model.GetLinear(name);
                int layer = LayerOf(model, name);
                var shape = linear.weight!.shape; // (out_features, in_features)
                if (wantInput) Add(new CaptureSite(CaptureSite.InputName(name), CaptureSiteKind.LinearInput, name, layer, checked((int)shape[1])));
                if (wantOutput) Add(new CaptureSite(CaptureSite.OutputName(name), CaptureSiteKind.LinearOutput, name, layer, checked((int)shape[0])));
            }
        }
        if (sites.Count == 0) throw new NeuroLensException("capture site: at least one site is needed");
        return sites;
    }

    /// <summary>The block whose module name prefixes <paramref name="linearName"/>, or -1 when none does.</summary>
    public static int LayerOf(ILanguageModel model, string linearName)
    {
        for (int l = 0; l < model.NumLayers; l++)
            if (linearName.StartsWith(model.BlockName(l) + ".", StringComparison.Ordinal)) return l;
        return -1;
    }

    private static (string Pattern, bool Input, bool Output) SplitSuffix(string spec)
    {
        int colon = spec.LastIndexOf(':');
        if (colon < 0) return (spec, false, true);
        string pattern = spec[..colon], suffix = spec[(colon + 1)..];
        if (pattern.Length == 0) throw new NeuroLensException($"capture site '{spec}': a module pattern is expected before ':'");
        return suffix switch
        {
            "input" or "in" => (pattern, true, false),
            "output" or "out" => (pattern, false, true),
            "both" => (pattern, true, true),
            _ => throw new NeuroLensException($"capture site '{spec}': unknown suffix ':{suffix}' (expected :input, :output or :both)"),
        };
    }

    private static IEnumerable<string> Examples(ILanguageModel model)
    {
        var names = model.LinearLayerNames;
        if (model.NumLayers == 0) return names.Take(4);
        var first = names.Where(n => LayerOf(model, n) == 0).Take(6).ToList();
        return first.Count > 0 ? first : names.Take(6);
    }
}
