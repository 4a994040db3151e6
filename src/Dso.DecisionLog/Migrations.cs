using Microsoft.Data.Sqlite;

namespace Dso.DecisionLog;

/// <summary>
/// Ordered schema migrations. Each runs once, in a transaction, and bumps <c>PRAGMA user_version</c>; a log
/// written by an older build is upgraded in place, never rewritten.
/// </summary>
internal static class Migrations
{
    private static readonly string[] Steps =
    [
        """
        CREATE TABLE decisions (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            service TEXT NOT NULL,
            ts TEXT NOT NULL,
            policy_version TEXT NOT NULL,
            variant TEXT NOT NULL,
            strategy TEXT NOT NULL,
            reason TEXT NOT NULL,
            before_fleet TEXT NOT NULL,
            chosen_fleet TEXT NOT NULL,
            hourly_cost REAL NOT NULL,
            held INTEGER NOT NULL,
            is_change INTEGER NOT NULL,
            payload TEXT NOT NULL);
        CREATE INDEX decisions_service_seq ON decisions(service, seq);
        CREATE TABLE outcomes (
            decision_id TEXT PRIMARY KEY REFERENCES decisions(id),
            at TEXT NOT NULL,
            status TEXT NOT NULL,
            after_fleet TEXT NOT NULL,
            launched INTEGER NOT NULL,
            terminated INTEGER NOT NULL,
            message TEXT NOT NULL);
        """,
        """
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            service TEXT NOT NULL,
            ts TEXT NOT NULL,
            kind TEXT NOT NULL,
            message TEXT NOT NULL);
        CREATE INDEX events_service_seq ON events(service, seq);
        """,
        // Month-to-date spend survives restarts: one row per tick, the amount as invariant decimal text so sums are exact.
        """
        CREATE TABLE spend (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            service TEXT NOT NULL,
            from_ts TEXT NOT NULL,
            to_ts TEXT NOT NULL,
            usd TEXT NOT NULL,
            hourly_usd TEXT NOT NULL);
        CREATE INDEX spend_service_to ON spend(service, to_ts);
        """,
        // The analyst columns (see DecisionRow), back-filled from the payload, and the indexes the dashboard's
        // queries use. Money per row (spent_usd, reactive_usd) starts at 0 for rows logged before it existed.
        """
        ALTER TABLE decisions ADD COLUMN ts_ms INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE decisions ADD COLUMN demand REAL;
        ALTER TABLE decisions ADD COLUMN latency_p95 REAL;
        ALTER TABLE decisions ADD COLUMN forecast_p50 REAL;
        ALTER TABLE decisions ADD COLUMN forecast_p90 REAL;
        ALTER TABLE decisions ADD COLUMN ready_capacity REAL;
        ALTER TABLE decisions ADD COLUMN billed_capacity REAL;
        ALTER TABLE decisions ADD COLUMN reactive_cost REAL;
        ALTER TABLE decisions ADD COLUMN anomaly_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE decisions ADD COLUMN anomaly_summary TEXT;
        ALTER TABLE decisions ADD COLUMN spent_usd REAL NOT NULL DEFAULT 0;
        ALTER TABLE decisions ADD COLUMN reactive_usd REAL NOT NULL DEFAULT 0;
        UPDATE decisions SET
            ts_ms = CAST(ROUND((julianday(ts) - 2440587.5) * 86400000.0) AS INTEGER),
            demand = (SELECT CASE WHEN typeof(v) IN ('real', 'integer') THEN v END FROM (SELECT json_extract(payload, '$.kpis.request_rate') AS v)),
            latency_p95 = (SELECT CASE WHEN typeof(v) IN ('real', 'integer') THEN v END FROM (SELECT json_extract(payload, '$.kpis.latency_p95_ms') AS v)),
            forecast_p50 = (SELECT CASE WHEN typeof(v) IN ('real', 'integer') THEN v END FROM (SELECT json_extract(payload, '$.forecast.p50Peak') AS v)),
            forecast_p90 = (SELECT CASE WHEN typeof(v) IN ('real', 'integer') THEN v END FROM (SELECT json_extract(payload, '$.forecast.p90Peak') AS v)),
            anomaly_count = COALESCE(json_array_length(payload, '$.anomalies'), 0),
            reactive_cost = (SELECT json_extract(a.value, '$.hourlyCost') FROM json_each(payload, '$.alternatives') a WHERE json_extract(a.value, '$.name') = 'reactive');
        CREATE INDEX decisions_service_ts ON decisions(service, ts_ms);
        CREATE INDEX decisions_ts ON decisions(ts_ms);
        CREATE INDEX decisions_service_changes ON decisions(service, ts_ms) WHERE is_change = 1;
        CREATE INDEX decisions_service_held ON decisions(service, ts_ms) WHERE held = 1;
        CREATE INDEX decisions_service_anomalous ON decisions(service, ts_ms) WHERE anomaly_count > 0;
        CREATE INDEX events_ts ON events(ts);
        """,

        // 5: the analyst's filters across all services (anomalies, held ticks, changes over a range with no service):
        // the per-service partial indexes above cannot serve them, and SQLite read a whole week through decisions_ts
        // (1.2 s median on a 1.1 M-row log, simulations/dashboard/run_decision_bench.sh).
        """
        CREATE INDEX decisions_anomalous_ts ON decisions(ts_ms) WHERE anomaly_count > 0;
        CREATE INDEX decisions_held_ts ON decisions(ts_ms) WHERE held = 1;
        CREATE INDEX decisions_changes_ts ON decisions(ts_ms) WHERE is_change = 1;
        """,

        // 6: experiments (issue 14): each experiment's start, state and winner, and every block's variant and totals,
        // so a restarted service or another replica on the same log continues the same assignment.
        """
        CREATE TABLE experiments (
            name TEXT PRIMARY KEY,
            run TEXT NOT NULL,
            start_ts TEXT NOT NULL,
            state TEXT NOT NULL,
            stopped_variants TEXT NOT NULL,
            winner TEXT,
            note TEXT NOT NULL,
            updated_ts TEXT NOT NULL);
        CREATE TABLE experiment_blocks (
            experiment TEXT NOT NULL,
            run TEXT NOT NULL,
            service TEXT NOT NULL,
            block INTEGER NOT NULL,
            variant TEXT NOT NULL,
            start_ts TEXT NOT NULL,
            measured_s REAL NOT NULL,
            washout_s REAL NOT NULL,
            cost_usd TEXT NOT NULL,
            served REAL NOT NULL,
            unserved REAL NOT NULL,
            violation_s REAL NOT NULL,
            actions INTEGER NOT NULL,
            last_ts TEXT NOT NULL,
            PRIMARY KEY (experiment, run, service, block));
        """,

        // 7: the approval queue (mode approve). Unlike decisions its rows change state (pending -> approved -> applied),
        // by compare-and-set on status; every change is also appended as an event, so the history stays append-only.
        """
        CREATE TABLE approvals (
            id TEXT PRIMARY KEY,
            service TEXT NOT NULL,
            status TEXT NOT NULL,
            requested_ms INTEGER NOT NULL,
            expires_ms INTEGER NOT NULL,
            payload TEXT NOT NULL);
        CREATE INDEX approvals_service_status ON approvals(service, status, requested_ms);
        CREATE INDEX approvals_status ON approvals(status, requested_ms);
        """,

        // 8: showback reads the spend ledger (the same rows the budget sums), by day of each entry's end, across all
        // services; and each entry keeps what the reactive counterfactual would have cost over the same interval.
        """
        ALTER TABLE spend ADD COLUMN reactive_usd TEXT;
        CREATE INDEX spend_to ON spend(to_ts);
        """,

        // 9: every decision names its experiment and block as columns (the variant already is one), back-filled from
        // the payload, so an analyst filters and joins a run's decisions to experiment_blocks without parsing JSON.
        """
        ALTER TABLE decisions ADD COLUMN experiment TEXT;
        ALTER TABLE decisions ADD COLUMN block INTEGER;
        UPDATE decisions SET
            experiment = json_extract(payload, '$.experiment'),
            block = (SELECT CASE WHEN typeof(v) = 'integer' THEN v END FROM (SELECT json_extract(payload, '$.block') AS v))
        WHERE json_extract(payload, '$.experiment') IS NOT NULL;
        CREATE INDEX decisions_experiment_block ON decisions(experiment, block) WHERE experiment IS NOT NULL;
        """,

        // 10: each spend entry names the scale target it billed (provider/scale group), so a service renamed in its policy
        // finds the old name's month-to-date spend on the same group and its hard budget is not spent twice. Rows written
        // before carry no target: they count for their own name only (which group they billed is not in the log).
        """
        ALTER TABLE spend ADD COLUMN target TEXT;
        CREATE INDEX spend_target_to ON spend(target, to_ts);
        """,

        // 11: what each service's planner learned (demand record, launch times, the counterfactual and self-correction
        // level, budget pacing), one row per service replaced after every decision, so a restart or another replica continues from it.
        """
        CREATE TABLE planner_state (
            service TEXT PRIMARY KEY,
            saved_ts TEXT NOT NULL,
            lineage TEXT NOT NULL,
            state BLOB NOT NULL);
        """,

        // 12: the alert incidents that are open, so a restarted service neither pages again for one it announced nor
        // leaves one open that ended while it was down.
        """
        CREATE TABLE alert_incidents (
            service TEXT NOT NULL,
            kind TEXT NOT NULL,
            subject TEXT NOT NULL,
            since_ts TEXT NOT NULL,
            PRIMARY KEY (service, kind, subject));
        """,
    ];

    public static int Latest => Steps.Length;

    public static void Apply(SqliteConnection connection)
    {
        using var read = connection.CreateCommand();
        read.CommandText = "PRAGMA user_version";
        var version = Convert.ToInt32(read.ExecuteScalar());
        if (version > Steps.Length)
        {
            throw new DecisionLogException($"decision log schema version {version} is newer than this build understands ({Steps.Length}): a newer dso wrote it; run that version (or newer) on this log, or point this one at another data directory");
        }

        for (var i = version; i < Steps.Length; i++)
        {
            using var tx = connection.BeginTransaction();
            using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = Steps[i] + $"\nPRAGMA user_version = {i + 1};";
            cmd.ExecuteNonQuery();
            tx.Commit();
        }
    }
}
