using System.Diagnostics;

namespace Dso.Abstractions.Diagnostics;

/// <summary>
/// Named steps of a tick where a kill test can stop the process, deterministically: with
/// <c>DSO_FAULT_POINT=after-log</c> (or <c>mid-apply</c>, <c>after-apply</c>) and <c>DSO_FAULT_POINT_COUNT=N</c>
/// the process SIGKILLs itself the N-th time (default 1) it reaches that step. Unset, reaching a point is a no-op.
/// Only steps that change the cloud are counted, so every kill lands inside a real scaling action.
/// </summary>
public static class FaultPoints
{
    /// <summary>The decision is in the log; the cloud has not been called.</summary>
    public const string AfterLog = "after-log";

    /// <summary>Inside the cloud call: the change is made (and persisted by the simulated cloud) but not yet acknowledged.</summary>
    public const string MidApply = "mid-apply";

    /// <summary>The cloud answered; the outcome is not yet in the log.</summary>
    public const string AfterApply = "after-apply";

    public const string PointVariable = "DSO_FAULT_POINT";
    public const string CountVariable = "DSO_FAULT_POINT_COUNT";

    private static readonly string? Armed = Environment.GetEnvironmentVariable(PointVariable);
    private static readonly int KillAt = int.TryParse(Environment.GetEnvironmentVariable(CountVariable), out var n) && n > 0 ? n : 1;
    private static int _reached;

    /// <summary>Kills the process here if this is the armed point and its count is reached.</summary>
    public static void Reach(string point)
    {
        if (Armed is null || !string.Equals(Armed, point, StringComparison.Ordinal))
        {
            return;
        }

        if (Interlocked.Increment(ref _reached) >= KillAt)
        {
            // SIGKILL on Linux: no finally blocks, no flushing, exactly like kill -9 from outside.
            Process.GetCurrentProcess().Kill();
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
