using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;

namespace Dso.Reconcile;

/// <summary>
/// What happens when a tick throws: the failure becomes data (a failed decision, or a failed outcome of the decision
/// already logged), the observer hears of it, and the state of the stage that threw is rebuilt, so one poisonous
/// input costs one tick instead of every tick after it.
/// </summary>
public sealed partial class ServiceLoop
{
    /// <summary>The strategy name of a decision that records a failed tick.</summary>
    public const string FailedStrategy = "failed";

    private async Task<TickResult> FailTickAsync(DateTimeOffset now, Exception ex, CancellationToken cancellationToken)
    {
        var failure = new TickFailure(Policy.Name, now, _stage, ex.Message, ex);
        Rebuild(_stage);
        var before = _tickState?.Fleet ?? Fleet.Empty;
        var decision = _tickDecision ?? new ScalingDecision
        {
            Id = DecisionId(now),
            Service = Policy.Name,
            Timestamp = now,
            PolicyVersion = PolicyVersion,
            Variant = VariantOf(null),
            Kpis = new Dictionary<string, double>(StringComparer.Ordinal),
            Before = before,
            Chosen = before,
            ChosenHourlyCost = HourlyOrZero(before),
            Strategy = FailedStrategy,
            Reason = failure.Reason,
            Held = true,
        };

        // A failed decision gets its outcome at once (it chose the fleet as it was, so there is nothing to resume). A real
        // decision already logged keeps no outcome when applying it threw: whether the cloud acted is unknown, so after a
        // restart it is re-applied under its own idempotency key, like after a crash; the failure goes in as an event.
        DecisionOutcome? outcome = _tickDecision is null ? new DecisionOutcome(decision.Id, now, ApplyStatus.Failed, before, 0, 0, failure.Reason) : null;
        try
        {
            if (outcome is not null)
            {
                await _deps.Log.AppendAsync(decision, cancellationToken).ConfigureAwait(false);
                await _deps.Log.RecordOutcomeAsync(outcome, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _deps.Log.AppendEventAsync(Policy.Name, now, "tick_failed", $"decision {decision.Id}: {failure.Reason}", cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception logFailure) when (logFailure is not OperationCanceledException)
        {
            // The log itself is what failed (or fails again): the observer and the host's log still say so.
        }

        return new TickResult(decision, outcome, TimeSpan.Zero, 0m, 0m)
        {
            Failure = ReportFailure(failure),
            CloudError = ex is CloudProviderException { IsTransient: false } ? failure.Reason : null,
        };
    }

    private TickFailure ReportFailure(TickFailure failure)
    {
        try
        {
            _deps.Observer.OnTickFailed(failure);
        }
        catch (Exception)
        {
            // An observer that cannot take the report must not turn a handled failure into an unhandled one.
        }

        return failure;
    }

    /// <summary>Drops the state a failed stage may have been left holding (history that keeps an extreme value, say).</summary>
    private void Rebuild(string stage)
    {
        try
        {
            switch (stage)
            {
                case TickStage.Detect:
                    OwnSensing.ClearDetectors();
                    break;
                case TickStage.Plan or TickStage.Guard:
                    _planner = _strategy.CreatePlanner(Policy);
                    break;
            }
        }
        catch (Exception)
        {
            // Keep the old state; the next tick fails the same way and says so again.
        }
    }

    private decimal HourlyOrZero(Fleet fleet)
    {
        try
        {
            return Policy.Catalog.HourlyCost(fleet);
        }
        catch (Exception)
        {
            return 0m;
        }
    }
}
