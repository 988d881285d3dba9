using System.Data.Common;
using System.Globalization;
using System.Text.Json;

namespace YtDownloader.Jobs;

/// <summary>
/// The job store on a SQL database, written once for both engines: one row per job (its state as JSON, with the
/// columns the queue needs beside it), schema versions applied in order at start. An engine supplies its
/// connections, its migrations, its clock and how it announces changes.
/// </summary>
public abstract class SqlJobStore(JobSignals signals) : IJobStore
{
    /// <summary>The phases after which a job never changes again, as a SQL list.</summary>
    protected static readonly string Ended = string.Join(", ", JobSnapshot.EndedPhases.Select(p => $"'{p}'"));

    public abstract bool IsShared { get; }

    public abstract string Location { get; }

    /// <summary>Schema changes in order: the first is version 1. Released ones are never edited, only followed.</summary>
    protected abstract IReadOnlyList<string> Migrations { get; }

    /// <summary>A SQL expression for the database's clock in Unix milliseconds, so that every node's lease is measured on one clock.</summary>
    protected abstract string Now { get; }

    /// <summary>What a claim's row lookup adds so that nodes claiming at once skip each other's rows instead of waiting.</summary>
    protected abstract string SkipLocked { get; }

    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Holds off other nodes migrating the same database at the same moment, inside the migration's transaction.</summary>
    protected abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Tells every node that uses the store (this one included) about changes, as <see cref="JobSignals"/> messages.</summary>
    protected abstract Task AnnounceAsync(DbConnection connection, IReadOnlyList<string> messages, CancellationToken cancellationToken);

    /// <summary>Delivers an announcement to this process's waiters.</summary>
    protected void Receive(string message)
    {
        var (kind, id) = message.Split(':', 2) is [var k, var i] ? (k, i) : (message, "");
        switch (kind)
        {
            case "job": signals.Changed(id); break;
            case "cancel": signals.RequestCancel(id); break;
            case "claimable": signals.Claimable(); break;
        }
    }

    protected JobSignals Signals => signals;

    protected static string JobChanged(string id) => $"job:{id}";

    public virtual async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockForMigrationAsync(connection, transaction, cancellationToken);
        await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", cancellationToken);
        await using (var read = Command(connection, transaction, "SELECT MAX(version) FROM schema_version", []))
        {
            var current = await read.ExecuteScalarAsync(cancellationToken) is { } v and not DBNull ? Convert.ToInt32(v, CultureInfo.InvariantCulture) : 0;
            if (current > Migrations.Count)
                throw new JobStoreTooNewException(Location, current, Migrations.Count);
            for (var version = current + 1; version <= Migrations.Count; version++)
            {
                await ExecuteAsync(connection, transaction, Migrations[version - 1], cancellationToken);
                await ExecuteAsync(connection, transaction, "INSERT INTO schema_version (version) VALUES (@version)", cancellationToken, ("@version", version));
            }
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<bool> AddAsync(JobSnapshot job, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // An equal active job already holds the key in the unique index: nothing is added, the caller joins that job.
        var added = await ExecuteAsync(connection, null, """
            INSERT INTO jobs (id, object_key, phase, batch, snapshot) VALUES (@id, @key, @phase, @batch, @snapshot)
            ON CONFLICT DO NOTHING
            """, cancellationToken,
            ("@id", job.Id), ("@key", job.Key), ("@phase", job.Phase.ToString()), ("@batch", job.Batch), ("@snapshot", Serialize(job)));
        if (added == 0)
            return false;
        await AnnounceAsync(connection, job.Phase == JobPhase.Queued ? [JobChanged(job.Id), "claimable"] : [JobChanged(job.Id)], cancellationToken);
        return true;
    }

    public async Task AddBatchAsync(IReadOnlyList<JobSnapshot> jobs, CancellationToken cancellationToken)
    {
        foreach (var job in jobs)
            await AddAsync(job, cancellationToken);
    }

    public async Task<IReadOnlyList<JobSnapshot>> ListBatchAsync(string batch, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT seq, snapshot FROM jobs WHERE batch = @batch ORDER BY seq", cancellationToken, ("@batch", batch)))
        .Select(r => r.Job!).ToList();

    public async Task<JobSnapshot?> FindAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT seq, snapshot FROM jobs WHERE id = @id", cancellationToken, ("@id", id))).FirstOrDefault().Job;

    public async Task<JobSnapshot?> FindActiveAsync(string key, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT seq, snapshot FROM jobs WHERE object_key = @key AND phase NOT IN ({Ended})", cancellationToken, ("@key", key)))
        .FirstOrDefault().Job;

    public async Task<int> CountQueuedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT COUNT(*) FROM jobs WHERE phase = 'Queued' AND batch IS NULL", []);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<JobPage> ListAsync(int limit, string? before, CancellationToken cancellationToken)
    {
        var beforeSeq = long.TryParse(before, out var b) ? b : long.MaxValue;
        var rows = await QueryAsync(
            "SELECT seq, snapshot FROM jobs WHERE seq < @before ORDER BY seq DESC LIMIT @limit", cancellationToken,
            ("@before", beforeSeq), ("@limit", limit + 1));
        var page = rows.Take(limit).ToList();
        var next = rows.Count > limit ? page[^1].Seq.ToString(CultureInfo.InvariantCulture) : null;
        return new JobPage(page.Select(r => r.Job!).ToList(), next);
    }

    public async Task<JobSnapshot?> ClaimAsync(string node, TimeSpan lease, CancellationToken cancellationToken)
    {
        var claimed = await QueryAsync($"""
            UPDATE jobs SET node = @node, lease_until = {Now} + @lease
            WHERE seq = (
                SELECT seq FROM jobs
                WHERE phase NOT IN ({Ended}) AND (node IS NULL OR lease_until < {Now})
                ORDER BY seq LIMIT 1 {SkipLocked})
            RETURNING seq, snapshot
            """, cancellationToken, ("@node", node), ("@lease", (long)lease.TotalMilliseconds));
        return claimed.FirstOrDefault().Job;
    }

    public async Task<JobLease> UpdateAsync(JobSnapshot job, string node, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // Only while the lease is this node's: a node that lost it (paused, cut off) must not overwrite the new runner.
        // The node stays on an ended job as the one that ran it; a job handed back is anyone's to claim.
        await using var command = Command(connection, null, $"""
            UPDATE jobs SET phase = @phase, object_key = @key, snapshot = @snapshot, lease_until = {Now} + @lease,
                node = CASE WHEN @phase = 'Queued' THEN NULL ELSE node END
            WHERE id = @id AND node = @node
            RETURNING cancel_requested
            """,
            [("@id", job.Id), ("@node", node), ("@phase", job.Phase.ToString()), ("@key", job.Key), ("@snapshot", Serialize(job)),
             ("@lease", (long)lease.TotalMilliseconds)]);
        bool? cancelRequested;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            cancelRequested = await reader.ReadAsync(cancellationToken) ? reader.GetBoolean(0) : null;
        if (cancelRequested is null)
            return JobLease.Lost;
        await AnnounceAsync(connection, job.Phase == JobPhase.Queued ? [JobChanged(job.Id), "claimable"] : [JobChanged(job.Id)], cancellationToken);
        return cancelRequested.Value ? JobLease.CancelRequested : JobLease.Held;
    }

    public async Task<bool> CancelQueuedAsync(JobSnapshot cancelled, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var changed = await ExecuteAsync(connection, null,
            "UPDATE jobs SET phase = @phase, snapshot = @snapshot WHERE id = @id AND phase = 'Queued' AND node IS NULL", cancellationToken,
            ("@id", cancelled.Id), ("@phase", cancelled.Phase.ToString()), ("@snapshot", Serialize(cancelled)));
        if (changed == 0)
            return false;
        await AnnounceAsync(connection, [JobChanged(cancelled.Id)], cancellationToken);
        return true;
    }

    public async Task<bool> RemoveEndedAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var removed = await ExecuteAsync(connection, null, $"DELETE FROM jobs WHERE id = @id AND phase IN ({Ended})", cancellationToken, ("@id", id));
        if (removed == 0)
            return false;
        await AnnounceAsync(connection, [JobChanged(id)], cancellationToken);
        return true;
    }

    public async Task RequestCancelAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, $"UPDATE jobs SET cancel_requested = TRUE WHERE id = @id AND phase NOT IN ({Ended})", cancellationToken, ("@id", id));
        await AnnounceAsync(connection, [$"cancel:{id}"], cancellationToken);
    }

    private static string Serialize(JobSnapshot job) => JsonSerializer.Serialize(job, JobRecordJson.Default.JobSnapshot);

    protected static async Task<int> ExecuteAsync(
        DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<List<(long Seq, JobSnapshot? Job)>> QueryAsync(
        string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<(long, JobSnapshot?)>();
        while (await reader.ReadAsync(cancellationToken))
            rows.Add((reader.GetInt64(0), JsonSerializer.Deserialize(reader.GetString(1), JobRecordJson.Default.JobSnapshot)!));
        return rows;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
