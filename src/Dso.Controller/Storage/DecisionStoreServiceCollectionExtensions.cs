using Dso.Abstractions.Approvals;
using Dso.Abstractions.Decisions;
using Dso.DecisionLog;
using Microsoft.Extensions.Options;

namespace Dso.Controller.Storage;

/// <summary>Registers the configured decision store as both the loop's log and the dashboard's store, and its retention job.</summary>
internal static class DecisionStoreServiceCollectionExtensions
{
    public static IServiceCollection AddDecisionStore(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        services.AddSingleton<IDecisionStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DecisionLogOptions>>().Value;
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DecisionStoreServiceCollectionExtensions));
            if (options.Provider == DecisionLogOptions.Postgres)
            {
                var builder = new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString);
                StorageLog.Using(logger, "PostgreSQL", $"{builder.Host}:{builder.Port}/{builder.Database}");
                return new PostgresDecisionLog(new PostgresDecisionLogOptions(options.ConnectionString!));
            }

            var path = Path.GetFullPath(options.SqliteFile, dataDirectory);
            StorageLog.Using(logger, "SQLite", path);
            // A lost log starts empty without complaint from SQLite: say so when the rest of the data directory says
            // the service ran before (its spend, hence the hard budget, restarts from zero).
            if ((!File.Exists(path) || new FileInfo(path).Length == 0)
                && new[] { "simulated-cloud.json", "series.snapshot" }.Where(f => File.Exists(Path.Combine(dataDirectory, f))).ToList() is { Count: > 0 } evidence)
            {
                StorageLog.NewLogBesideOldState(logger, path, string.Join(", ", evidence));
            }

            CheckIntegrity(path, options.StartupCheckTimeout, logger);
            return new SqliteDecisionLog(new SqliteDecisionLogOptions(path));
        });
        services.AddSingleton<IDecisionLog>(sp => sp.GetRequiredService<IDecisionStore>());
        services.AddSingleton<IApprovalQueue>(sp => sp.GetRequiredService<IDecisionStore>());
        services.AddSingleton<IIncidentStore>(sp => sp.GetRequiredService<IDecisionStore>());
        services.AddSingleton<RetentionJob>();
        services.AddHostedService<RetentionScheduler>();
        return services;
    }

    /// <summary>
    /// Refuses to start on a damaged file (the host turns the exception into one line naming it): started anyway, the
    /// service would run with a budget API failing on every call and spend it cannot read back.
    /// </summary>
    private static void CheckIntegrity(string path, TimeSpan timeout, ILogger logger)
    {
        if (timeout <= TimeSpan.Zero || !File.Exists(path) || new FileInfo(path).Length == 0)
        {
            return;
        }

        var result = SqliteIntegrity.QuickCheck(path, timeout);
        switch (result.Status)
        {
            case SqliteIntegrityStatus.Damaged:
                throw new DecisionLogException(
                    $"decision log '{path}' is damaged (PRAGMA quick_check: {string.Join("; ", result.Problems)}): {DecisionLogException.DamagedAdvice(path)}") { Damaged = true };
            case SqliteIntegrityStatus.Unfinished:
                StorageLog.CheckUnfinished(logger, path, timeout);
                break;
            default:
                StorageLog.Checked(logger, path, (long)result.Elapsed.TotalMilliseconds);
                break;
        }
    }
}
