using System.Collections.Concurrent;
using System.Diagnostics;
using Dso.Abstractions.Metrics;
using Dso.Policies.Model;

namespace Dso.Reconcile;

/// <summary>
/// Detection and forecasting run ahead of the loop on a thread of their own, for a replay (<c>dso simulate</c>), where
/// every reading the loop will take is known before the run. What <see cref="Sensing"/> learns depends only on the
/// readings, so a second copy fed the same readings in the same order produces, tick for tick, the same anomalies and
/// forecasts as the loop's own copy would; the loop plans tick t while this thread already forecasts t+1, t+2, ...
/// (on nasa-jul95 they are about half of the run each).
/// <para>
/// The thread predicts which readings the loop senses by the loop's own rule (<see cref="ZeroTrafficGuard.Triage"/>:
/// a finite request rate from a healthy source that the zero-traffic guard does not hold). The loop checks each result against the reading it
/// has; on the first that differs (a tick that failed before sensing, a resume, a backfill, a reload or a retrain
/// request, an exception while sensing), the thread is stopped and the loop takes over: it replays every reading
/// taken so far into its own copy, which then holds exactly the state it would have had, and senses inline from there.
/// Decisions are the same with or without the pipeline (a test holds the simulator to that).
/// </para>
/// </summary>
internal sealed class SensingPipeline : IDisposable
{
    /// <summary>How far the thread may run ahead (forecasts kept, about 5 KB each): enough to cover a model training.</summary>
    private const int Lead = 2048;

    private readonly BlockingCollection<Entry> _queue = new(Lead);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly List<(KpiReading Reading, double Demand)> _taken = [];
    private readonly ServicePolicy _policy;
    private readonly Func<Sensing> _create;
    private readonly int _count;
    private readonly Func<int, KpiReading> _reading;
    private long _busyTicks;

    /// <param name="policy">The service's policy (its anomaly actions, tick and zero-traffic hold), fixed for the run.</param>
    /// <param name="create">A fresh <see cref="Sensing"/> like the loop's own.</param>
    /// <param name="count">How many ticks the loop runs.</param>
    /// <param name="reading">The reading the loop's tick <c>i</c> takes from its source.</param>
    public SensingPipeline(ServicePolicy policy, Func<Sensing> create, int count, Func<int, KpiReading> reading)
    {
        _policy = policy;
        _create = create;
        _count = count;
        _reading = reading;
        _thread = new Thread(Produce) { IsBackground = true, Name = "dso-sensing" };
        _thread.Start();
    }

    /// <summary>Whether the loop still takes its signals from here (false once it has taken over).</summary>
    public bool Active { get; private set; } = true;

    /// <summary>Time the thread spent sensing (not waiting for room), for <c>--profile</c>.</summary>
    public TimeSpan Busy => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _busyTicks));

    /// <summary>Signals sensed so far that the loop took.</summary>
    public int Taken => _taken.Count;

    /// <summary>
    /// The signals for <paramref name="reading"/> when the thread sensed exactly this reading next; otherwise false,
    /// and the loop must <see cref="TakeOver"/>.
    /// </summary>
    public bool TryTake(KpiReading reading, double demand, out TickSignals signals)
    {
        signals = null!;
        if (!Active || !_queue.TryTake(out var entry, Timeout.Infinite))
        {
            return false; // the thread has finished: the loop senses more readings than it predicted
        }

        if (entry.Signals is null || entry.Timestamp != reading.Timestamp || !entry.Demand.Equals(demand) || entry.Kpis != reading.Values.Count)
        {
            return false;
        }

        _taken.Add((reading, demand));
        signals = entry.Signals;
        return true;
    }

    /// <summary>
    /// Stops the thread and hands back the readings the loop took from it, in order, once (an empty list afterwards):
    /// the loop replays them into its own <see cref="Sensing"/> and senses inline from then on.
    /// </summary>
    public IReadOnlyList<(KpiReading Reading, double Demand)> TakeOver()
    {
        if (!Active)
        {
            return [];
        }

        Active = false;
        Stop();
        return _taken;
    }

    public void Dispose()
    {
        Active = false;
        Stop();
        _queue.Dispose();
        _stop.Dispose();
    }

    private void Stop()
    {
        _stop.Cancel();
        _thread.Join();
    }

    private void Produce()
    {
        try
        {
            var sensing = _create();
            var zeroTraffic = new ZeroTrafficGuard();
            var hold = ZeroTrafficGuard.HoldFor(_policy);
            for (var i = 0; i < _count && !_stop.IsCancellationRequested; i++)
            {
                var reading = _reading(i);
                if (zeroTraffic.Triage(reading, hold, out var demand) != ReadingUse.Sense)
                {
                    continue; // the loop holds this tick: nothing is sensed
                }

                var started = Stopwatch.GetTimestamp();
                Entry entry;
                try
                {
                    var signals = sensing.Sense(_policy, reading, demand);
                    entry = new Entry(reading.Timestamp, demand, reading.Values.Count, signals with { Figures = ForecastFigures.Of(sensing.Forecaster) });
                }
                catch (Exception)
                {
                    // The loop senses this reading itself after replaying the others, and fails the tick as it would have.
                    entry = new Entry(reading.Timestamp, demand, reading.Values.Count, null);
                }

                Interlocked.Add(ref _busyTicks, Stopwatch.GetTimestamp() - started);
                _queue.Add(entry, _stop.Token);
                if (entry.Signals is null)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by the loop's take-over or the end of the run.
        }
        catch (Exception)
        {
            // Nothing more to offer (a reading or a sensing copy that could not be made): the loop takes over when it
            // finds the queue ended, and meets the same problem inline, where a tick failure reports it.
        }
        finally
        {
            _queue.CompleteAdding();
        }
    }

    private sealed record Entry(DateTimeOffset Timestamp, double Demand, int Kpis, TickSignals? Signals);
}
