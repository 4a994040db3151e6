using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;
using Dso.Abstractions.Diagnostics;
using Dso.Policies.Model;

namespace Dso.Reconcile;

/// <summary>
/// Applying: converge the cloud to the logged decision and record what happened. Whatever the adapter throws
/// (a typed cloud error, an SDK's own exception, the tick's deadline) becomes a failed outcome in the log; the
/// next tick reads the actual fleet and converges from there, which is also how a partial apply is finished.
/// </summary>
public sealed partial class ServiceLoop
{
    private async Task<DecisionOutcome> ApplyAsync(ScalingDecision decision, FleetState state, CancellationToken tick, CancellationToken host)
    {
        if (!ChangesCloud(decision, state))
        {
            var unchanged = new DecisionOutcome(decision.Id, _deps.Time.GetUtcNow(), ApplyStatus.NoChange, state.Fleet, 0, 0, "fleet already as desired");
            await _deps.Log.RecordOutcomeAsync(unchanged, tick).ConfigureAwait(false);
            return unchanged;
        }

        if (Policy.Cloud.Mode == ApplyMode.DryRun)
        {
            // Like a forecast-only mode: the decision is made and logged in full, the cloud is only read.
            var dryRun = new DecisionOutcome(decision.Id, _deps.Time.GetUtcNow(), ApplyStatus.DryRun, state.Fleet, 0, 0,
                $"dry-run: would apply {decision.Chosen} (now {state.Fleet}) to scale group '{Policy.ScaleGroup}' on {Policy.Provider}; no mutating call made");
            await _deps.Log.RecordOutcomeAsync(dryRun, tick).ConfigureAwait(false);
            return dryRun;
        }

        if (await NeedsApprovalAsync(decision, state, tick).ConfigureAwait(false) is { } approval)
        {
            var waiting = await AwaitApprovalAsync(decision, state, approval, tick).ConfigureAwait(false);
            await _deps.Log.RecordOutcomeAsync(waiting, tick).ConfigureAwait(false);
            return waiting;
        }

        ReachFaultPoint(FaultPoints.AfterLog, decision, state);
        DecisionOutcome outcome;
        try
        {
            var request = new ApplyRequest(Policy.ScaleGroup, decision.Chosen, decision.Id) { ServerlessRps = decision.ServerlessRps };
            var result = await _deps.Cloud.ApplyAsync(request, tick).ConfigureAwait(false);
            ReachFaultPoint(FaultPoints.AfterApply, decision, state);
            var message = result.Status == ApplyStatus.Partial
                ? $"partial: {result.Message}; the next tick converges from the actual fleet"
                : result.Message;
            outcome = new DecisionOutcome(decision.Id, _deps.Time.GetUtcNow(), result.Status, result.After, result.Launched, result.Terminated, message);
        }
        catch (OperationCanceledException) when (host.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            outcome = new DecisionOutcome(decision.Id, _deps.Time.GetUtcNow(), ApplyStatus.Failed, state.Fleet, 0, 0, Describe(ex));
            if (ex is not (CloudProviderException { IsTransient: true } or OperationCanceledException))
            {
                // Retrying will not help (the retries already ran): the host raises an alert and degrades health.
                _tickCloudError = outcome.Message;
            }
        }

        // Recorded even when the tick's deadline has passed: a decision without an outcome would be resumed on restart.
        await _deps.Log.RecordOutcomeAsync(outcome, host).ConfigureAwait(false);
        await ResolveApprovalAsync(decision, outcome, host).ConfigureAwait(false);
        return outcome;
    }

    private string Describe(Exception ex) => ex switch
    {
        CloudProviderException cloud => $"{(cloud.IsTransient ? "transient" : "terminal")} {cloud.Kind}: applying to scale group '{Policy.ScaleGroup}': {cloud.Message}",
        OperationCanceledException => $"transient Timeout: applying to scale group '{Policy.ScaleGroup}' did not finish within the tick deadline ({_deps.TickDeadline?.TotalSeconds:0.###}s)",
        _ => $"terminal Unknown: applying to scale group '{Policy.ScaleGroup}' failed unexpectedly: {ex.GetType().Name}: {ex.Message}",
    };
}
