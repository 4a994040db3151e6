using System.Globalization;

namespace Dso.Simulations.Dashboard;

/// <summary>Command line: --services N --days D --long-services K --long-days L --runs R --stores sqlite,postgres.</summary>
internal sealed record BenchOptions(int Services, int Days, int LongServices, int LongDays, int Runs, IReadOnlySet<string> Stores)
{
    public const int DefaultServices = 100;
    public const int DefaultDays = 7;
    public const int DefaultLongServices = 3;
    public const int DefaultLongDays = 28;
    public const int DefaultRuns = 20;
    public const int Warmup = 3;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions(DefaultServices, DefaultDays, DefaultLongServices, DefaultLongDays, DefaultRuns, new HashSet<string> { "sqlite", "postgres" });
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"option {args[i]} needs a value");
            o = args[i] switch
            {
                "--services" => o with { Services = Int(args[i], value) },
                "--days" => o with { Days = Int(args[i], value) },
                "--long-services" => o with { LongServices = Int(args[i], value) },
                "--long-days" => o with { LongDays = Int(args[i], value) },
                "--runs" => o with { Runs = Int(args[i], value) },
                "--stores" => o with { Stores = value.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.OrdinalIgnoreCase) },
                _ => throw new ArgumentException($"unknown option {args[i]} (known: --services --days --long-services --long-days --runs --stores)"),
            };
            i++;
        }

        return o.Days < 2 ? throw new ArgumentException("--days must be at least 2 (the decision query reads a middle day)") : o;
    }

    private static int Int(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"option {name}: '{value}' is not a positive whole number");
}
