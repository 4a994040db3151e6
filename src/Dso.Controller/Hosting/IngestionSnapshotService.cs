using Dso.Ingestion.Store;
using Microsoft.Extensions.Options;

namespace Dso.Controller.Hosting;

/// <summary>
/// Writes the series store to the data directory every <see cref="IngestionOptions.SnapshotInterval"/> and on
/// shutdown, so a restart keeps pushed history; the push journal covers what was pushed since the latest snapshot.
/// (Restoring, and replaying the journal, happen when the store is created, before any loop reads it.)
/// </summary>
internal sealed partial class IngestionSnapshotService(
    SeriesStore store,
    SeriesJournal journal,
    IngestionSnapshotPath path,
    IOptions<IngestionOptions> options,
    ILogger<IngestionSnapshotService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Real time on purpose: snapshot cadence is about crash loss, not about the (maybe accelerated) loop clock.
        using var timer = new PeriodicTimer(options.Value.SnapshotInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Save();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: StopAsync writes the final snapshot.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Save();
    }

    private void Save()
    {
        if (store.SeriesCount == 0)
        {
            return;
        }

        try
        {
            // The journal first: what it held is in this snapshot; what is pushed while it is written goes to the new
            // journal (and, replayed over the snapshot, is an exact resend where the snapshot has it too).
            journal.Rotate();
            SeriesSnapshot.Save(store, path.Value);
            journal.Committed();
            LogSaved(store.SeriesCount, path.Value);
        }
        catch (IOException ex)
        {
            LogFailed(path.Value, ex.Message);
        }
        catch (UnauthorizedAccessException ex)
        {
            LogFailed(path.Value, ex.Message);
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Debug, Message = "series store snapshot: {Count} series written to {Path}")]
    private partial void LogSaved(int count, string path);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Error, Message = "writing the series store snapshot to {Path} failed: {Problem}; pushed history since the last snapshot would be lost on restart")]
    private partial void LogFailed(string path, string problem);
}
