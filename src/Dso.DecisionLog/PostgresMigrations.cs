using Npgsql;

namespace Dso.DecisionLog;

/// <summary>
/// The same ordered steps as the SQLite <see cref="Migrations"/>, in PostgreSQL's types, so both stores have one
/// schema version for one shape. The version lives in <c>dso_schema</c>; each step runs in a transaction under an
/// advisory lock, so replicas starting together migrate once.
/// </summary>
internal static class PostgresMigrations
{
    /// <summary>Any fixed number: the advisory lock every replica takes while migrating.</summary>
    private const long LockId = 0x44534F_4C4F47;

    private static readonly string[] Steps =
    [
        """
        CREATE TABLE decisions (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            service TEXT NOT NULL,
            ts TEXT NOT NULL,
            policy_version TEXT NOT NULL,
            variant TEXT NOT NULL,
            strategy TEXT NOT NULL,
            reason TEXT NOT NULL,
            before_fleet TEXT NOT NULL,
            chosen_fleet TEXT NOT NULL,
            hourly_cost DOUBLE PRECISION NOT NULL,
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
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            service TEXT NOT NULL,
            ts TEXT NOT NULL,
            kind TEXT NOT NULL,
            message TEXT NOT NULL);
        CREATE INDEX events_service_seq ON events(service, seq);
        """,
        """
        CREATE TABLE spend (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            service TEXT NOT NULL,
            from_ts TEXT NOT NULL,
            to_ts TEXT NOT NULL,
            usd TEXT NOT NULL,
            hourly_usd TEXT NOT NULL);
        CREATE INDEX spend_service_to ON spend(service, to_ts);
        """,
        """
        ALTER TABLE decisions
            ADD COLUMN ts_ms BIGINT NOT NULL DEFAULT 0,
            ADD COLUMN demand DOUBLE PRECISION,
            ADD COLUMN latency_p95 DOUBLE PRECISION,
            ADD COLUMN forecast_p50 DOUBLE PRECISION,
            ADD COLUMN forecast_p90 DOUBLE PRECISION,
            ADD COLUMN ready_capacity DOUBLE PRECISION,
            ADD COLUMN billed_capacity DOUBLE PRECISION,
            ADD COLUMN reactive_cost DOUBLE PRECISION,
            ADD COLUMN anomaly_count INTEGER NOT NULL DEFAULT 0,
            ADD COLUMN anomaly_summary TEXT,
            ADD COLUMN spent_usd DOUBLE PRECISION NOT NULL DEFAULT 0,
            ADD COLUMN reactive_usd DOUBLE PRECISION NOT NULL DEFAULT 0;
        UPDATE decisions SET
            ts_ms = (EXTRACT(EPOCH FROM ts::timestamptz) * 1000)::BIGINT,
            demand = NULLIF(payload::jsonb -> 'kpis' ->> 'request_rate', 'NaN')::DOUBLE PRECISION,
            latency_p95 = NULLIF(payload::jsonb -> 'kpis' ->> 'latency_p95_ms', 'NaN')::DOUBLE PRECISION,
            forecast_p50 = NULLIF(payload::jsonb -> 'forecast' ->> 'p50Peak', 'NaN')::DOUBLE PRECISION,
            forecast_p90 = NULLIF(payload::jsonb -> 'forecast' ->> 'p90Peak', 'NaN')::DOUBLE PRECISION,
            anomaly_count = COALESCE(jsonb_array_length(payload::jsonb -> 'anomalies'), 0),
            reactive_cost = (SELECT (a ->> 'hourlyCost')::DOUBLE PRECISION FROM jsonb_array_elements(payload::jsonb -> 'alternatives') a WHERE a ->> 'name' = 'reactive' LIMIT 1);
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
            block BIGINT NOT NULL,
            variant TEXT NOT NULL,
            start_ts TEXT NOT NULL,
            measured_s DOUBLE PRECISION NOT NULL,
            washout_s DOUBLE PRECISION NOT NULL,
            cost_usd TEXT NOT NULL,
            served DOUBLE PRECISION NOT NULL,
            unserved DOUBLE PRECISION NOT NULL,
            violation_s DOUBLE PRECISION NOT NULL,
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
            requested_ms BIGINT NOT NULL,
            expires_ms BIGINT NOT NULL,
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

        // 9: every decision names its experiment and block as columns, back-filled from the payload.
        """
        ALTER TABLE decisions ADD COLUMN experiment TEXT, ADD COLUMN block BIGINT;
        UPDATE decisions SET
            experiment = payload::jsonb ->> 'experiment',
            block = CASE WHEN jsonb_typeof(payload::jsonb -> 'block') = 'number' THEN (payload::jsonb ->> 'block')::BIGINT END
        WHERE payload::jsonb ->> 'experiment' IS NOT NULL;
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
            state BYTEA NOT NULL);
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

    public static void Apply(NpgsqlDataSource source)
    {
        using var connection = source.OpenConnection();
        while (true)
        {
            using var tx = connection.BeginTransaction();
            Execute(connection, tx, $"SELECT pg_advisory_xact_lock({LockId})");
            Execute(connection, tx, "CREATE TABLE IF NOT EXISTS dso_schema (version INTEGER NOT NULL)");
            using var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM dso_schema", connection, tx);
            var version = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (version > Steps.Length)
            {
                throw new DecisionLogException($"decision log schema version {version} is newer than this build understands ({Steps.Length}): a newer dso wrote it; run that version (or newer) on this log, or point this one at another data directory");
            }

            if (version == Steps.Length)
            {
                tx.Commit();
                return;
            }

            Execute(connection, tx, Steps[version]);
            Execute(connection, tx, $"DELETE FROM dso_schema; INSERT INTO dso_schema (version) VALUES ({version + 1})");
            tx.Commit();
        }
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, connection, tx);
        cmd.ExecuteNonQuery();
    }
}
