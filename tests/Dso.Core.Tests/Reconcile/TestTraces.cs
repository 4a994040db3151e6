using System.Globalization;
using System.Text;

namespace Dso.Core.Tests.Reconcile;

/// <summary>Writes generated traces and scenarios to a temp folder (tests never depend on ../shared).</summary>
internal sealed class TestTraces : IDisposable
{
    public TestTraces() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "dso-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>A daily cycle with noise and a surge, one row a minute.</summary>
    public static double[] Demand(int rows, int seed = 7)
    {
        var random = new Random(seed);
        var values = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            var daily = 500 + (350 * Math.Sin(2 * Math.PI * i / 1440.0));
            var surge = i % 700 is > 400 and < 430 ? 900 : 0;
            values[i] = Math.Max(0, daily + surge + (random.NextDouble() * 60) - 30);
        }

        return values;
    }

    public string WriteTrace(string name, IReadOnlyList<double> values)
    {
        var sb = new StringBuilder("timestamp,value\n");
        var start = new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < values.Count; i++)
        {
            sb.Append(start.AddMinutes(i).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).Append(',')
                .Append(values[i].ToString("0.###", CultureInfo.InvariantCulture)).Append('\n');
        }

        var path = Path.Combine(Root, name);
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    public string WriteScenario(string name, string tracePath, decimal budgetMonthlyUsd = 5000, string extra = "")
    {
        var path = Path.Combine(Root, name);
        File.WriteAllText(path, $$"""
            name: {{Path.GetFileNameWithoutExtension(name)}}
            trace: {{Path.GetFileName(tracePath)}}
            slo: {latency_p95_ms: 250}
            boot_delay_seconds: 240
            billing_minimum_seconds: 60
            min_instances: 2
            max_instances: 100
            budget_monthly_usd: {{budgetMonthlyUsd.ToString(CultureInfo.InvariantCulture)}}
            initial_fleet: {c7g.large: 4}
            unknown_note: scenarios may carry keys for other tools
            instance_types:
              - {name: c7g.large,   vcpu: 2, memory_gib: 4,  price_per_hour: 0.0725, capacity_rps: 110}
              - {name: c7g.2xlarge, vcpu: 8, memory_gib: 16, price_per_hour: 0.2900, capacity_rps: 455}
            {{extra}}
            """);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A test host may still hold a file for a moment; the temp folder is not worth failing a test over.
        }
    }
}
