using System.Globalization;
using System.Net;
using System.Text;
using NeuroLens.Core.IO;
using NeuroLens.Core.Reports;
using NeuroLens.Emergence.Activations;
using NeuroLens.Emergence.Concepts;
using NeuroLens.Emergence.Sae;
using NeuroLens.Models.Capture;
using NeuroLens.Models.Tokenizers;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Grid;

/// <summary>
/// The HTML page of one matched latent (emergence.md §6): its concept precision, recall and F1, the
/// histogram of its non-zero activations, and its top-activating contexts with each token shaded by the
/// latent's activation. Self-contained (inline CSS and SVG).
/// </summary>
public static class FeatureDashboard
{
    /// <summary>
    /// Writes a dashboard for each category with S_c ≥ θ (of seed 0's SAE, whose latent is shown) at the last checkpoint of each model and layer into
    /// <c>dashboards/{model}/layer{L}/{category}-latent{j}.html</c> under <paramref name="outFolder"/>; returns the paths.
    /// </summary>
    public static IReadOnlyList<string> WriteAll(EmergenceGridResult grid, EmergenceGridOptions options, string gridFolder, string outFolder, int contexts = 20)
    {
        var written = new List<string>();
        foreach (var model in grid.Models)
        {
            long step = model.Steps[^1];
            var checkpoint = ModelCheckpoints.Select(ModelCheckpoints.Find(model.Folder), step.ToString(CultureInfo.InvariantCulture), model.Folder)[0];
            ITextTokenizer? tokenizer = null;
            List<int[]>? sequences = null;
            foreach (int layer in model.Layers)
            {
                // Seed 0's SAE and its own scores (latent numbering is per SAE; with one seed, the cell itself).
                var cell = grid.SeedCell(model.Name, step, layer, 0);
                if (cell is null) continue;
                var matched = cell.Scores.Where(s => s.Score >= options.Theta && s.BestLatent >= 0).ToList();
                if (matched.Count == 0) continue;
                if (tokenizer is null)
                {
                    var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(checkpoint.Folder, "config.json")))!;
                    int maxPositions = config["max_position_embeddings"]?.GetValue<int>() ?? 512;
                    tokenizer = TokenizerLoader.Load(checkpoint.Folder, maxPositions);
                    sequences = EmergenceGrid.Prepare(options.Texts, tokenizer, maxPositions, options.Concepts, options.FirstTokenOnly).Sequences;
                }
                var cache = Path.Combine(gridFolder, "cache", model.Name, "step" + step.ToString(CultureInfo.InvariantCulture));
                if (!File.Exists(Path.Combine(cache, "capture.json"))) continue;
                using var capture = CaptureSet.Open(cache);
                var tokens = capture.ReadAllTokens();
                var (sae, _) = SaeFiles.Read(Path.Combine(EmergenceGrid.CellFolder(gridFolder, model.Name, step, layer), "sae"));
                using (sae)
                {
                    var latents = matched.Select(m => m.BestLatent).Distinct().ToArray();
                    var values = latents.ToDictionary(j => j, _ => new float[tokens.Length]);
                    long row = 0;
                    foreach (var chunk in new CaptureActivationSource(capture[CaptureSite.ResidPostName(layer)]).ReadChunks())
                    {
                        using (chunk)
                        using (var codes = sae.Encode(chunk))
                        {
                            foreach (int j in latents)
                            {
                                using var column = codes.select(1, j).contiguous();
                                column.data<float>().CopyTo(values[j], (int)row);
                            }
                            row += chunk.shape[0];
                        }
                    }
                    foreach (var score in matched)
                    {
                        var path = Path.Combine(outFolder, "dashboards", model.Name, $"layer{layer}", $"{Safe(score.Category)}-latent{score.BestLatent}.html");
                        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                        AtomicFile.WriteAllText(path, Render($"{model.Name} step {step}, resid_post[{layer}], latent {score.BestLatent}", score,
                            values[score.BestLatent], tokens, sequences!, tokenizer!, contexts));
                        written.Add(path);
                    }
                }
            }
        }
        return written;
    }

    /// <summary>The dashboard page of one latent: <paramref name="activations"/>[r] is its activation at captured token r.</summary>
    public static string Render(string title, ConceptScore score, float[] activations, CapturedToken[] tokens, IReadOnlyList<int[]> sequences,
        ITextTokenizer tokenizer, int contexts = 20)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").Append(WebUtility.HtmlEncode(title)).Append("</title><style>")
            .Append("body{font-family:sans-serif;max-width:960px;margin:2em auto}td,th{padding:2px 8px;text-align:left}")
            .Append(".ctx{font-family:monospace;white-space:pre-wrap;margin:4px 0}.tok{border-radius:2px}</style></head><body>");
        html.Append("<h1>").Append(WebUtility.HtmlEncode(title)).Append("</h1>");
        html.Append("<table><tr><th>concept</th><td>").Append(WebUtility.HtmlEncode(score.Category)).Append("</td></tr>")
            .Append(Row("F1 (S_c)", score.Score)).Append(Row("precision", score.Precision)).Append(Row("recall", score.Recall))
            .Append(Row("labelled tokens |T_c|", score.Positions)).Append(Row("shuffled-label null quantile", score.NullQuantile))
            .Append(Row("p-value", score.PValue)).Append("</table>");
        var nonzero = activations.Where(a => a > 0).Select(a => (double)a).ToList();
        html.Append("<h2>Activation histogram</h2>");
        if (nonzero.Count > 0)
        {
            var figure = Plots.Histogram(nonzero, new PlotOptions { Title = $"non-zero activations ({nonzero.Count} of {activations.Length} tokens)", XLabel = "activation", YLabel = "tokens", Width = 640, Height = 320 });
            if (figure.Svg is not null) html.Append(figure.Svg);
            else html.Append("<img src=\"data:image/png;base64,").Append(Convert.ToBase64String(figure.Png.Span)).Append("\">");
        }
        else html.Append("<p>The latent never fires.</p>");
        html.Append("<h2>Top-activating contexts</h2>");
        float max = activations.Length == 0 ? 0 : activations.Max();
        var top = Enumerable.Range(0, activations.Length).Where(r => activations[r] > 0).OrderByDescending(r => activations[r]).Take(contexts);
        foreach (int r in top)
        {
            var token = tokens[r];
            var ids = sequences[(int)token.Text];
            int from = Math.Max(0, token.Position - 12), to = Math.Min(ids.Length, token.Position + 4);
            html.Append("<div class=\"ctx\">").Append(activations[r].ToString("F2", CultureInfo.InvariantCulture)).Append(": ");
            for (int p = from; p < to; p++)
            {
                long rowOfP = r - token.Position + p;
                float a = rowOfP >= 0 && rowOfP < activations.Length && tokens[rowOfP].Text == token.Text ? activations[rowOfP] : 0;
                double alpha = max > 0 ? Math.Clamp(a / max, 0, 1) : 0;
                string text = tokenizer.Decode([ids[p]]);
                html.Append("<span class=\"tok\" style=\"background:rgba(220,60,20,").Append(alpha.ToString("F2", CultureInfo.InvariantCulture)).Append(")")
                    .Append(p == token.Position ? ";outline:1px solid #000" : "").Append("\" title=\"").Append(a.ToString("F3", CultureInfo.InvariantCulture)).Append("\">")
                    .Append(WebUtility.HtmlEncode(text)).Append("</span>");
            }
            html.Append("</div>");
        }
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static string Row(string name, double value) =>
        $"<tr><th>{WebUtility.HtmlEncode(name)}</th><td>{(double.IsNaN(value) ? "–" : value.ToString("G4", CultureInfo.InvariantCulture))}</td></tr>";

    private static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));
}
