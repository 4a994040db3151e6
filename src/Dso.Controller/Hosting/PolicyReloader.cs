using Dso.Abstractions.Decisions;
using Dso.Controller.Composition;
using Dso.Controller.Experiments;
using Dso.Policies.Loading;
using Dso.Policies.Model;
using Microsoft.Extensions.Options;
using Quartz;

namespace Dso.Controller.Hosting;

/// <summary>
/// Loads policies at start and whenever the files change (polling: works on every filesystem and in
/// containers). A bad edit is logged with every error and the last good policy stays in force: whatever fails while
/// loading, admitting or applying a set (a located policy error or any exception), the reloader reports it and keeps
/// running, so no policy edit can stop the host.
/// </summary>
internal sealed partial class PolicyReloader(
    IOptions<DsoOptions> options,
    PolicyAdmission admission,
    LoopRegistry loops,
    ExperimentHost experiments,
    ISchedulerFactory schedulers,
    IDecisionLog log,
    ServiceClock clock,
    ILogger<PolicyReloader> logger) : BackgroundService
{
    private readonly HashSet<JobKey> _scheduled = [];

    /// <summary>Each scheduled job's interval: an unchanged service keeps its job (and its tick's phase) across a reload.</summary>
    private readonly Dictionary<JobKey, TimeSpan> _intervals = [];

    private bool _loadedFromFiles;

    // The poll and POST /api/policies/reload may ask at once; one check at a time keeps LastError and the set in step.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _lastFingerprint;

    /// <summary>A change seen by the last poll and not loaded yet: loaded when the next poll reads the same.</summary>
    private string? _pendingFingerprint;

    public string? LastError { get; private set; }

    /// <summary>
    /// What the policy set in force allows but will not do as written (<see cref="PolicyWarnings"/>), as `dso validate`
    /// prints it: on /healthz, the reload response and the dashboard. A rejected edit leaves them (and the set) as they were.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; private set; } = [];

    /// <summary>How many changes of the policy files have been checked (accepted or rejected) since start.</summary>
    public long Checks { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PollOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Even reporting a rejection can fail (the decision log's disk); the reloader must outlive it.
                LogReloadFailed(ex);
            }

            await Task.Delay(options.Value.PolicyReloadInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// One poll: a change is loaded once two polls in a row read the files the same. A file caught while it is written
    /// (an editor or `cp` that truncates it first) is left for the next poll instead of being rejected as a broken
    /// policy: a half-written file once raised a policy_rejected event, and an alert, for an edit that was fine a
    /// moment later. The first load at start is not held back, nor is an explicit reload (POST /api/policies/reload
    /// and the experiments API call <see cref="ReloadIfChangedAsync"/> directly, after the edit).
    /// </summary>
    internal async Task PollOnceAsync(CancellationToken ct)
    {
        if (Settled())
        {
            await ReloadIfChangedAsync(ct);
        }
    }

    private bool Settled()
    {
        var last = _lastFingerprint;
        if (last is null)
        {
            return true;
        }

        var now = Fingerprint(options.Value.PoliciesPath) + Calendars();
        if (now == last || now == _pendingFingerprint)
        {
            _pendingFingerprint = null;
            return true;
        }

        _pendingFingerprint = now;
        return false;
    }

    public async Task ReloadIfChangedAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var path = options.Value.PoliciesPath;
            var fingerprint = Fingerprint(path) + Calendars();
            // A promotion re-applies the unchanged files: the winner's policy goes in through this same path.
            if (fingerprint == _lastFingerprint && !experiments.TakeReapplyRequest())
            {
                return;
            }

            _lastFingerprint = fingerprint;
            try
            {
                await LoadAsync(path, ct);
            }
            finally
            {
                Checks++;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task LoadAsync(string path, CancellationToken ct)
    {
        PolicySet set;
        try
        {
            // Files that vanish after a set was read from them (an rm, a checkout that empties the folder for a moment, a
            // mistyped path) keep the last good set: swapping in the built-in default would drop every other service.
            var hasFiles = PolicyAdmission.HasPolicyFiles(path);
            if (_loadedFromFiles && !hasFiles)
            {
                throw new PolicyLoadException([new PolicyError(path, 0, 0, "policy", "", $"no policy file any more (deleted or moved?); version {loops.Current.Version} stays in force until policy files are back")]);
            }

            set = admission.Load(path);
            loops.Apply(set);
            if (hasFiles)
            {
                _loadedFromFiles = true;
            }
            else
            {
                LogDefault(path);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var message = ex is PolicyLoadException ? ex.Message : $"{path}: policy set could not be applied ({ex.GetType().Name}: {ex.Message})";
            LastError = message;
            LogRejected(path, loops.Current.Version, message);
            await log.AppendEventAsync("*", clock.Time.GetUtcNow(), "policy_rejected", message, ct);
            return;
        }

        LastError = null;
        // What runs is the applied set: with a promoted winner laid over, its version (and this report) say so.
        var applied = loops.Current;
        LogLoaded(applied.Services.Count, applied.Version);
        // What the set allows but will not do as written (a cap below min_instances, a budget below the floor): the
        // service runs it, as `dso validate` says, and the log and the event say it too.
        var warnings = PolicyWarnings.For(applied);
        Warnings = warnings;
        foreach (var warning in warnings)
        {
            LogWarning(warning);
        }

        // The loops run the set from here on: schedule them before the event, whose write may fail (a read-only or full
        // disk) without leaving the applied services unscheduled and the service never deciding.
        await ScheduleAsync(applied, ct);
        await log.AppendEventAsync("*", clock.Time.GetUtcNow(), "policy_loaded", $"version {applied.Version}: {string.Join(", ", applied.Services.Select(s => s.Name))}" +
            string.Concat(applied.Services.Where(s => s.Promoted is not null).Select(s => $"; {s.Name} runs variant '{s.Promoted!.Variant}' promoted by experiment '{s.Promoted.Experiment}'")) +
            string.Concat(loops.LastReloads.Select(kv => $"; {kv.Key} edited: {kv.Value}")) +
            string.Concat(warnings.Select(w => $"; warning: {w}")), ct);
    }

    private async Task ScheduleAsync(PolicySet set, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var wanted = set.Services.Select(s => new JobKey(s.Name, "reconcile")).ToHashSet();
        foreach (var key in _scheduled.Where(k => !wanted.Contains(k) && !wanted.Contains(new JobKey(k.Name, "reconcile"))).ToArray())
        {
            await scheduler.DeleteJob(key, ct);
            _scheduled.Remove(key);
            _intervals.Remove(key);
        }

        foreach (var service in set.Services)
        {
            var key = new JobKey(service.Name, "reconcile");
            var job = JobBuilder.Create<ReconcileJob>().WithIdentity(key).UsingJobData(ReconcileJob.ServiceKey, service.Name).StoreDurably().Build();
            var interval = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 100, (long)(service.Tick.Ticks / clock.Speed)));
            if (_intervals.TryGetValue(key, out var running) && running == interval && await scheduler.GetJobDetail(key, ct) is not null)
            {
                continue; // unchanged tick: no extra tick now, and the retraining schedule runs on
            }

            var trigger = TriggerBuilder.Create().WithIdentity(service.Name, "reconcile").ForJob(key).StartNow()
                .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever()).Build();
            await scheduler.DeleteJob(key, ct);
            await scheduler.ScheduleJob(job, trigger, cancellationToken: ct);
            _scheduled.Add(key);
            _intervals[key] = interval;

            var retrainKey = new JobKey(service.Name, "retrain");
            var retrainEvery = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, (long)(options.Value.RetrainInterval.Ticks / clock.Speed)));
            await scheduler.DeleteJob(retrainKey, ct);
            await scheduler.ScheduleJob(
                JobBuilder.Create<RetrainJob>().WithIdentity(retrainKey).UsingJobData(ReconcileJob.ServiceKey, service.Name).Build(),
                TriggerBuilder.Create().WithIdentity(service.Name, "retrain").StartAt(DateTimeOffset.UtcNow + retrainEvery)
                    .WithSimpleSchedule(s => s.WithInterval(retrainEvery).RepeatForever()).Build(),
                cancellationToken: ct);
            _scheduled.Add(retrainKey);
        }
    }

    private static string Fingerprint(string path)
    {
        if (File.Exists(path))
        {
            return Stamp(path);
        }

        return !Directory.Exists(path) ? "none" : string.Join("|", Directory.EnumerateFiles(path).Order(StringComparer.Ordinal)
            .Select(Stamp));
    }

    /// <summary>
    /// The events files the policies in force name (they may sit outside the policies folder): editing one is a change
    /// to check too; the loader hashes each calendar, so only the services whose calendar changed reset their forecaster.
    /// </summary>
    private string Calendars() => string.Concat(loops.Current.Services.Select(s => s.EventsFile).OfType<string>().Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal).Select(f => "|" + (File.Exists(f) ? Stamp(f) : $"{f}:gone")));

    private static string Stamp(string file) => $"{file}:{File.GetLastWriteTimeUtc(file).Ticks}:{new FileInfo(file).Length}";

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "policies loaded: {Count} service(s), version {Version}")]
    private partial void LogLoaded(int count, string version);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "policy warning: {Warning}")]
    private partial void LogWarning(string warning);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "no policy file in {Path}: running the built-in default policy")]
    private partial void LogDefault(string path);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "policy reload failed; the policy in force stays")]
    private partial void LogReloadFailed(Exception ex);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "policy change in {Path} rejected; version {Version} stays in force:\n{Errors}")]
    private partial void LogRejected(string path, string version, string errors);
}
