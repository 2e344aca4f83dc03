using NeuroLens.Core;
using NeuroLens.Core.TensorFiles;
using NeuroLens.Models.Checkpoints;
using NeuroLens.Models.Data;
using NeuroLens.Models.Evaluation;
using NeuroLens.Models.Language;
using NeuroLens.Models.Training;
using static TorchSharp.torch;

namespace NeuroLens.Models.Tests.Training;

/// <summary>
/// <see cref="LmTrainer"/> on <see cref="TestCausalLm"/> and a Markov-chain token stream: the loss falls,
/// checkpoints land on the Pythia schedule as complete folders whose weights give the logged validation
/// loss, and an interrupted, resumed run ends with the uninterrupted run's weights bit for bit.
/// </summary>
public sealed class LmTrainerTests
{
    private const int Vocab = 16;

    // A mostly deterministic chain (next = 3·prev + 1 mod 16, one step in ten random): a bigram model can
    // learn it down to far below the uniform perplexity of 16.
    private static int[] Chain(int length, int seed)
    {
        var random = new Random(seed);
        var tokens = new int[length];
        for (int i = 1; i < length; i++)
            tokens[i] = random.NextDouble() < 0.1 ? random.Next(Vocab) : (3 * tokens[i - 1] + 1) % Vocab;
        return tokens;
    }

    private static LmTrainingOptions Options(int steps) => new()
    {
        Steps = steps, BatchSize = 4, Context = 16, LearningRate = 1e-2, WarmupSteps = 5, MinLearningRate = 1e-3,
        CheckpointEvery = 20, Seed = 3, MaxValidationWindows = 8,
    };

    private static TestCausalLm NewModel() => new(Vocab, hidden: 16, positions: 32);

    private static string Tokenizer(TempFolder temp)
    {
        string folder = temp.File("tokenizer");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), "{\"model\": {}}");
        return folder;
    }

    [Fact]
    public void LossFallsAndCheckpointsAreCompleteFoldersOnThePythiaSchedule()
    {
        using var temp = new TempFolder();
        string output = temp.File("run");
        using var model = NewModel();
        var seen = new List<LmCheckpoint>();
        var result = new LmTrainer(Options(40)).Train(model, Chain(4000, 1), Chain(600, 2), output, Tokenizer(temp), onCheckpoint: seen.Add);

        Assert.True(result.Completed);
        Assert.Equal(40, result.Losses.Count);
        Assert.Equal([0, 1, 2, 4, 8, 16, 20, 32, 40], result.Checkpoints.Select(c => c.Step));
        Assert.Equal(result.Checkpoints, seen);
        foreach (var c in result.Checkpoints)
        {
            string folder = Path.Combine(output, c.Folder);
            Assert.True(File.Exists(Path.Combine(folder, "config.json")));
            Assert.True(File.Exists(Path.Combine(folder, "model.safetensors")));
            Assert.True(File.Exists(Path.Combine(folder, "tokenizer.json")));
            Assert.Equal(c.Step * 4L * 16, c.Tokens);
        }
        // Initialised near uniform: perplexity about the vocabulary size; trained: far below it.
        double first = result.Checkpoints[0].ValidationPerplexity, last = result.Checkpoints[^1].ValidationPerplexity;
        Assert.InRange(first, 14, 18);
        Assert.True(last < 6, $"validation perplexity {first:F2} at step 0, {last:F2} at step 40");
        Assert.True(result.Losses.Skip(35).Average() < result.Losses.Take(5).Average() - 0.5);
        Assert.Equal(10, File.ReadAllLines(Path.Combine(output, LmTrainer.ValidationCsv)).Length); // header + 9 checkpoints

        // The saved weights of step 20, loaded into a fresh model, give the logged validation loss,
        // recomputed here by hand over the same 8 windows of 16 tokens (15 predictions each).
        using var reloaded = NewModel();
        using (var source = TensorFile.Open(Path.Combine(output, "checkpoints/step20")))
            StateDict.Load(reloaded, source, n => n);
        var validation = Chain(600, 2);
        double sum = 0;
        using (no_grad())
            for (int w = 0; w < 8; w++)
            {
                var ids = tensor(validation.Skip(w * 16).Take(16).Select(t => (long)t).ToArray(), [1, 16]);
                using var logits = reloaded.Forward(ids, ones(1, 16, dtype: int64));
                using var logp = logits.log_softmax(-1);
                for (int t = 0; t < 15; t++) sum -= logp[0, t, validation[w * 16 + t + 1]].item<float>();
            }
        Assert.Equal(sum / (8 * 15), result.Checkpoints.Single(c => c.Step == 20).ValidationLoss, 4);
    }

    [Fact]
    public void AnInterruptedRunResumesToBitIdenticalWeights()
    {
        using var temp = new TempFolder();
        var train = Chain(4000, 1);
        var validation = Chain(600, 2);
        string whole = temp.File("whole"), split = temp.File("split");
        using (var model = NewModel())
            new LmTrainer(Options(30)).Train(model, train, validation, whole, null);
        LmTrainingResult first, second;
        using (var model = NewModel())
            first = new LmTrainer(Options(30) with { StopAfter = 13 }).Train(model, train, validation, split, null);
        using (var model = NewModel())
            second = new LmTrainer(Options(30) with { Resume = true }).Train(model, train, validation, split, null);

        Assert.False(first.Completed);
        Assert.Equal(13, first.Step);
        Assert.Equal(13, second.StartStep);
        Assert.True(second.Completed);
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "checkpoints/step30/model.safetensors")),
                     File.ReadAllBytes(Path.Combine(split, "checkpoints/step30/model.safetensors")));
        Assert.Equal(File.ReadAllText(Path.Combine(whole, LmTrainer.ValidationCsv)), File.ReadAllText(Path.Combine(split, LmTrainer.ValidationCsv)));
        // The stop was between checkpoints 8 and 16: the resumed run saves 16, 20 and 30 itself.
        Assert.Equal(30, second.Losses.Count);
    }

    [Fact]
    public void GptNeoXPresetTrainsAndItsCheckpointsReloadWithTheLoggedLoss()
    {
        using var temp = new TempFolder();
        string output = temp.File("run");
        using var model = LmPresets.Tiny.CreateModel(Vocab, context: 16);
        var validation = Chain(600, 2);
        var result = new LmTrainer(Options(24) with { LearningRate = 3e-3 }).Train(model, Chain(4000, 1), validation, output, Tokenizer(temp));
        Assert.True(result.Checkpoints[^1].ValidationPerplexity < 0.7 * result.Checkpoints[0].ValidationPerplexity,
            $"perplexity {result.Checkpoints[0].ValidationPerplexity:F2} at step 0, {result.Checkpoints[^1].ValidationPerplexity:F2} at step 24");
        foreach (var c in result.Checkpoints.Where(c => c.Step is 0 or 16 or 24))
        {
            using var reloaded = LanguageModels.Load(Path.Combine(output, c.Folder));
            Assert.Equal("gpt_neox", reloaded.ModelType);
            var windows = Enumerable.Range(0, 8).Select(w => (IReadOnlyList<int>)validation[(w * 16)..(w * 16 + 16)]).ToList();
            var ppl = Perplexity.Evaluate(reloaded, [TokenBatches.RightPadded(windows, 0)]);
            Assert.Equal(c.ValidationPerplexity, ppl.Value, 4);
        }
        // The initialisation: matrices N(0, 0.02²), output projections scaled by 1/sqrt(2 layers), LayerNorm 1, biases 0.
        using var init = LanguageModels.Load(Path.Combine(output, "checkpoints/step0"));
        var p = init.Module.named_parameters().ToDictionary(kv => kv.name, kv => kv.parameter);
        Assert.Equal(0.02, p["gpt_neox.layers.0.mlp.dense_h_to_4h.weight"].std().item<float>(), 2);
        Assert.Equal(0.01, p["gpt_neox.layers.1.mlp.dense_4h_to_h.weight"].std().item<float>(), 2);
        Assert.Equal(1f, p["gpt_neox.layers.0.input_layernorm.weight"].min().item<float>());
        Assert.Equal(0f, p["gpt_neox.layers.0.attention.query_key_value.bias"].abs().max().item<float>());
    }

    [Fact]
    public void ResumeNeedsAStateAndTheSameOptions()
    {
        using var temp = new TempFolder();
        var train = Chain(2000, 6);
        var validation = Chain(300, 7);
        string output = temp.File("run");
        using var model = NewModel();
        var e = Assert.Throws<NeuroLensException>(() => new LmTrainer(Options(10) with { Resume = true }).Train(model, train, validation, output, null));
        Assert.Contains("no training state", e.Message);
        new LmTrainer(Options(10) with { StopAfter = 3 }).Train(model, train, validation, output, null);
        e = Assert.Throws<NeuroLensException>(() => new LmTrainer(Options(10)).Train(model, train, validation, output, null));
        Assert.Contains("--resume", e.Message);
        e = Assert.Throws<NeuroLensException>(() => new LmTrainer(Options(10) with { Resume = true, Seed = 9 }).Train(model, train, validation, output, null));
        Assert.Contains("other options", e.Message);
        e = Assert.Throws<NeuroLensException>(() => new LmTrainer(Options(10) with { Resume = true }).Train(model, train[..1500], validation, output, null));
        Assert.Contains("same text", e.Message);
    }
}
