using NeuroLens.Imaging.Segmentation;

namespace NeuroLens.Imaging.Tests.Segmentation;

public class FloodQueueTests
{
    [Theory]
    [InlineData(ulong.MaxValue)] // never renumbers
    [InlineData(5UL)]            // renumbers ages every few pushes
    public void PopsByHeightThenPushOrder(ulong ageLimit)
    {
        var rng = new Random(9);
        var queue = new FloodQueue(1, ageLimit);
        var reference = new List<(float Height, int Order)>();
        int order = 0;
        var popped = new List<int>();
        var expected = new List<int>();
        for (int step = 0; step < 5000; step++)
        {
            if (rng.NextDouble() < 0.55 || queue.Count == 0)
            {
                float h = rng.Next(-3, 4) * 0.5f; // few heights (and -0 vs +0): many ties
                if (h == 0 && rng.Next(2) == 0)
                    h = -0f;
                queue.Push(FloodQueue.Key(h), order, 0);
                reference.Add((h, order++));
            }
            else
            {
                popped.Add(queue.Pop().Index);
                var next = reference.OrderBy(r => r.Height).ThenBy(r => r.Order).First();
                reference.Remove(next);
                expected.Add(next.Order);
            }
        }
        Assert.Equal(expected, popped);
        Assert.True(FloodQueue.Key(-1e30f) < FloodQueue.Key(-1f) && FloodQueue.Key(-1f) < FloodQueue.Key(0f) && FloodQueue.Key(0f) < FloodQueue.Key(1e-30f));
        Assert.Equal(FloodQueue.Key(0f), FloodQueue.Key(-0f));
    }
}
