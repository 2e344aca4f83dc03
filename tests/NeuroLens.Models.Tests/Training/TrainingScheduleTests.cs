using NeuroLens.Core;
using NeuroLens.Models.Training;

namespace NeuroLens.Models.Tests.Training;

/// <summary>The learning-rate and checkpoint schedules against hand-computed values, and the presets' configs.</summary>
public sealed class TrainingScheduleTests
{
    [Fact]
    public void LearningRateWarmsUpLinearlyThenFollowsTheCosineToTheMinimum()
    {
        var s = new LrSchedule(peak: 1e-3, min: 1e-4, warmup: 4, steps: 14);
        Assert.Equal(0.25e-3, s.At(0), 15);
        Assert.Equal(0.75e-3, s.At(2), 15);
        Assert.Equal(1e-3, s.At(3), 15);             // last warm-up step reaches the peak
        Assert.Equal(1e-3, s.At(4), 15);             // cosine starts at the peak (progress 0)
        // step 9: progress (9-4)/(13-4) = 5/9 → 1e-4 + 9e-4 · (1 + cos(5π/9)) / 2
        Assert.Equal(1e-4 + 9e-4 * (1 + Math.Cos(5 * Math.PI / 9)) / 2, s.At(9), 15);
        Assert.Equal(1e-4, s.At(13), 15);            // last step: the minimum
        Assert.Throws<ArgumentOutOfRangeException>(() => s.At(14));
        Assert.Throws<NeuroLensException>(() => new LrSchedule(1e-3, 2e-3, 0, 10));
    }

    [Fact]
    public void CheckpointsArePythiaLike()
    {
        Assert.Equal([0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000, 2000, 2500], CheckpointSchedule.Steps(2500, 1000));
        Assert.Equal([0, 1, 2, 4, 8, 16, 32, 64, 100, 128, 200, 256, 300], CheckpointSchedule.Steps(300, 100));
        Assert.Equal([0, 1, 2, 3], CheckpointSchedule.Steps(3, 1000));
        foreach (int step in Enumerable.Range(0, 2501))
            Assert.Equal(CheckpointSchedule.Steps(2500, 1000).Contains(step), CheckpointSchedule.Contains(step, 2500, 1000));
    }

    [Fact]
    public void PresetsGiveGptNeoXConfigsTiedToTheirLayersAndHeads()
    {
        Assert.True(LmPresets.All.Count >= 3);
        var config = LmPresets.Get("SMALL").ToConfig(vocabSize: 4096, context: 128).ToJson();
        Assert.Equal("gpt_neox", (string)config["model_type"]!);
        Assert.Equal(128, (int)config["hidden_size"]!);
        Assert.Equal(4, (int)config["num_hidden_layers"]!);
        Assert.Equal(4, (int)config["num_attention_heads"]!);
        Assert.Equal(512, (int)config["intermediate_size"]!);
        Assert.Equal(0.25, (double)config["rotary_pct"]!);
        Assert.True((bool)config["use_parallel_residual"]!);
        Assert.False((bool)config["tie_word_embeddings"]!);
        Assert.Equal(4096, (int)config["vocab_size"]!);
        foreach (var p in LmPresets.All) Assert.Equal(0, p.HiddenSize % p.Heads);
        Assert.Throws<NeuroLensException>(() => LmPresets.Get("huge"));
    }

    [Fact]
    public void DataOrderVisitsEveryWindowOncePerEpochInASeededOrder()
    {
        var order = new TrainingDataOrder(tokenCount: 10 * 9 + 5, context: 8, batchSize: 3, seed: 7);
        Assert.Equal(10, order.WindowCount);  // 95 tokens / 9 per window, tail of 5 dropped
        Assert.Equal(3, order.StepsPerEpoch); // one window per epoch is left out of the batches
        var epoch0 = Enumerable.Range(0, 3).SelectMany(s => order.WindowsOf(s)).ToList();
        var epoch1 = Enumerable.Range(3, 3).SelectMany(s => order.WindowsOf(s)).ToList();
        Assert.Equal(9, epoch0.Distinct().Count());
        Assert.Equal(TrainingDataOrder.Permutation(10, 7, 0)[..9], epoch0);
        Assert.Equal(TrainingDataOrder.Permutation(10, 7, 1)[..9], epoch1);
        Assert.NotEqual(epoch0, epoch1);
        Assert.Equal((1, 2), order.PositionOf(5));
        // A fresh order (as after a resume) gives the same batch for the same step.
        Assert.Equal(order.WindowsOf(4), new TrainingDataOrder(95, 8, 3, 7).WindowsOf(4));
        Assert.NotEqual(TrainingDataOrder.Permutation(50, 7, 0), TrainingDataOrder.Permutation(50, 8, 0));
        Assert.Equal(Enumerable.Range(0, 50), TrainingDataOrder.Permutation(50, 3, 2).Order());
        Assert.Throws<NeuroLensException>(() => new TrainingDataOrder(20, 8, 3, 0));
    }
}
