using System.Collections.Concurrent;
using NeuroLens.Core.Progress;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace NeuroLens.Cli;

/// <summary>Renders library <see cref="ProgressUpdate"/>s as Spectre.Console bars with rate and ETA on stderr.</summary>
internal static class ProgressRenderer
{
    public static T Run<T>(Func<IProgress<ProgressUpdate>, T> work)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Error) });
        var units = new ConcurrentDictionary<int, string>();
        return console.Progress()
            .AutoClear(true)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                     new RateColumn(units), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx => work(new Sink(ctx, units)));
    }

    /// <summary>Maps task names to bars; updates arrive from any thread.</summary>
    private sealed class Sink(ProgressContext context, ConcurrentDictionary<int, string> units) : IProgress<ProgressUpdate>
    {
        private readonly ConcurrentDictionary<string, ProgressTask> _tasks = new();

        public void Report(ProgressUpdate update)
        {
            var task = _tasks.GetOrAdd(update.Task, name => context.AddTask(Markup.Escape(name)));
            units[task.Id] = update.Unit;
            if (update.Total > 0) task.MaxValue = update.Total;
            else task.IsIndeterminate = true;
            task.Value = update.Completed;
            if (update.Total > 0 && update.Completed >= update.Total) task.StopTask();
        }
    }

    /// <summary>Units per second since the task started, with the task's unit name.</summary>
    private sealed class RateColumn(ConcurrentDictionary<int, string> units) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            double seconds = task.ElapsedTime?.TotalSeconds ?? 0;
            string unit = units.GetValueOrDefault(task.Id, "items");
            string rate = seconds > 0 ? $"{task.Value / seconds:G3} {unit}/s" : "";
            return new Text(rate, new Style(Color.Grey));
        }
    }
}
