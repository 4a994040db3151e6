namespace Dso.Forecasting.Model;

/// <summary>
/// Runs every task it is given at once on the thread that queues it, one at a time. FastTree's split search hands each
/// feature's subtask to <c>Parallel.Invoke</c>, which schedules on <see cref="TaskScheduler.Current"/>: training inside
/// a task on this scheduler keeps all of it on the training thread. On the thread pool it cost a thread hop and a
/// spin-wait per split and kept idle pool threads spinning for work (on a two-core machine shared with other
/// processes, about as much CPU as the training itself, and the tick waited for a pool thread to be scheduled). Each
/// subtask searches one feature and writes only its own slot, so the trees are the same however the subtasks run.
/// </summary>
internal sealed class InlineTaskScheduler : TaskScheduler
{
    public static readonly InlineTaskScheduler Instance = new();

    private InlineTaskScheduler()
    {
    }

    /// <summary>One: <c>Parallel.Invoke</c> then starts no extra replicas and runs the subtasks in order.</summary>
    public override int MaximumConcurrencyLevel => 1;

    /// <summary>Runs <paramref name="work"/> inside a task on this scheduler, on the calling thread, and returns its result.</summary>
    public static T Run<T>(Func<T> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.None, Instance).GetAwaiter().GetResult();

    protected override void QueueTask(Task task) => TryExecuteTask(task);

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => [];
}
