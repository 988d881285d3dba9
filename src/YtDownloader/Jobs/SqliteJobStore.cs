using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace YtDownloader.Jobs;

/// <summary>
/// The jobs in an embedded SQLite file, the default: one node, nothing to install. Only this process uses the file,
/// so a lease found in it at start belongs to a process that is gone, and its job is taken over at once.
/// </summary>
public sealed class SqliteJobStore(string path, JobSignals signals) : SqlJobStore(signals)
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();

    public override bool IsShared => false;

    public override string Location => $"SQLite file {path}";

    protected override IReadOnlyList<string> Migrations { get; } =
    [
        // 1: the table as it was before schema versions existed (a database from then is at version 1 already).
        """
        CREATE TABLE IF NOT EXISTS jobs (
            seq      INTEGER PRIMARY KEY AUTOINCREMENT,
            id       TEXT NOT NULL UNIQUE,
            phase    TEXT NOT NULL,
            snapshot TEXT NOT NULL
        );
        """,
        // 2: the queue in the database (node, lease, cancel), one active job per known object key, batches.
        $"""
        ALTER TABLE jobs ADD COLUMN object_key TEXT;
        UPDATE jobs SET object_key = json_extract(snapshot, '$.key');
        ALTER TABLE jobs ADD COLUMN node TEXT;
        ALTER TABLE jobs ADD COLUMN lease_until INTEGER;
        ALTER TABLE jobs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT FALSE;
        ALTER TABLE jobs ADD COLUMN batch TEXT;
        CREATE UNIQUE INDEX jobs_active_object_key ON jobs (object_key) WHERE phase NOT IN ({Ended}) AND object_key <> '';
        CREATE INDEX jobs_batch ON jobs (batch, seq);
        CREATE INDEX jobs_phase ON jobs (phase);
        """,
    ];

    protected override string Now => "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

    // SQLite runs one writer at a time: a claim's single UPDATE is atomic without row locks.
    protected override string SkipLocked => "";

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (var connection = await OpenAsync(cancellationToken))
            // Outside the migration's transaction: SQLite cannot change its journal mode inside one.
            await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL", cancellationToken);
        await base.InitializeAsync(cancellationToken);
        await using var open = await OpenAsync(cancellationToken);
        await ExecuteAsync(open, null, $"UPDATE jobs SET lease_until = 0 WHERE node IS NOT NULL AND phase NOT IN ({Ended})", cancellationToken);
    }

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    // BeginTransaction starts an immediate transaction: it already holds the database's write lock.
    protected override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    protected override Task AnnounceAsync(DbConnection connection, IReadOnlyList<string> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
            Receive(message);
        return Task.CompletedTask;
    }
}
