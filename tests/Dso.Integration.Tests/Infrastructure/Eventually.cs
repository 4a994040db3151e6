using System.Diagnostics;

namespace Dso.Integration.Tests.Infrastructure;

internal static class Eventually
{
    /// <summary>Polls until <paramref name="probe"/> returns a value that satisfies <paramref name="done"/>; returns the last value either way.</summary>
    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan within, int pollMs = 250)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value) || clock.Elapsed > within)
            {
                return value;
            }

            await Task.Delay(pollMs);
        }
    }
}
