using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace YtDownloader.Jobs;

/// <summary>One page of the job history, newest first; <see cref="Next"/> continues it.</summary>
public sealed record JobPage(IReadOnlyList<JobSnapshot> Jobs, string? Next);

/// <summary>
/// Every job and its result in an embedded SQLite database, so that history survives restarts and a job the
/// process died under is found again. One table: the job as JSON, with its phase beside it for the startup query.
/// </summary>
public sealed class JobStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private readonly string _connectionString;

    public JobStore(IOptions<JobsOptions> options, IHostEnvironment environment)
    {
        var path = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Value.DatabasePath));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS jobs (
                seq      INTEGER PRIMARY KEY AUTOINCREMENT,
                id       TEXT NOT NULL UNIQUE,
                phase    TEXT NOT NULL,
                snapshot TEXT NOT NULL
            );
            """, cancellationToken);
        await AddBatchColumnAsync(connection, cancellationToken);
    }

    /// <summary>Databases made before batches existed get the column (empty for their jobs) and its index.</summary>
    private static async Task AddBatchColumnAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using (var columns = Command(connection, "SELECT COUNT(*) FROM pragma_table_info('jobs') WHERE name = 'batch'", []))
        {
            if (Convert.ToInt64(await columns.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0)
                return;
        }
        await ExecuteAsync(connection, """
            ALTER TABLE jobs ADD COLUMN batch TEXT;
            CREATE INDEX IF NOT EXISTS jobs_batch ON jobs (batch, seq);
            """, cancellationToken);
    }

    /// <summary>A batch's jobs, written at once and in order (their order is the batch's order); later saves leave the batch column as it is.</summary>
    public async Task SaveBatchAsync(string batch, IReadOnlyList<JobSnapshot> jobs, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        foreach (var job in jobs)
        {
            await using var command = Command(connection, "INSERT INTO jobs (id, phase, snapshot, batch) VALUES ($id, $phase, $snapshot, $batch)",
                [("$id", job.Id), ("$phase", job.Phase.ToString()), ("$snapshot", JsonSerializer.Serialize(job, Json)), ("$batch", batch)]);
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>A batch's jobs in the batch's order.</summary>
    public async Task<IReadOnlyList<JobSnapshot>> ListBatchAsync(string batch, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT seq, snapshot FROM jobs WHERE batch = $batch ORDER BY seq", cancellationToken, ("$batch", batch)))
        .Select(r => r.Job).ToList();

    public async Task SaveAsync(JobSnapshot job, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, """
            INSERT INTO jobs (id, phase, snapshot) VALUES ($id, $phase, $snapshot)
            ON CONFLICT (id) DO UPDATE SET phase = excluded.phase, snapshot = excluded.snapshot
            """, cancellationToken,
            ("$id", job.Id), ("$phase", job.Phase.ToString()), ("$snapshot", JsonSerializer.Serialize(job with { BytesPerSecond = null, EtaSeconds = null }, Json)));
    }

    public async Task<JobSnapshot?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var found = await QueryAsync("SELECT seq, snapshot FROM jobs WHERE id = $id", cancellationToken, ("$id", id));
        return found.Count == 0 ? null : found[0].Job;
    }

    /// <summary>Jobs that had not ended when the process stopped, oldest first.</summary>
    public async Task<IReadOnlyList<JobSnapshot>> UnfinishedAsync(CancellationToken cancellationToken) =>
        (await QueryAsync(
            "SELECT seq, snapshot FROM jobs WHERE phase NOT IN ('Done', 'Failed', 'Cancelled') ORDER BY seq", cancellationToken))
        .Select(r => r.Job).ToList();

    public async Task<JobPage> ListAsync(int limit, string? before, CancellationToken cancellationToken)
    {
        var beforeSeq = long.TryParse(before, out var b) ? b : long.MaxValue;
        var rows = await QueryAsync(
            "SELECT seq, snapshot FROM jobs WHERE seq < $before ORDER BY seq DESC LIMIT $limit", cancellationToken,
            ("$before", beforeSeq), ("$limit", limit + 1));
        var page = rows.Take(limit).ToList();
        var next = rows.Count > limit ? page[^1].Seq.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return new JobPage(page.Select(r => r.Job).ToList(), next);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(
        SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<List<(long Seq, JobSnapshot Job)>> QueryAsync(
        string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<(long, JobSnapshot)>();
        while (await reader.ReadAsync(cancellationToken))
            rows.Add((reader.GetInt64(0), JsonSerializer.Deserialize<JobSnapshot>(reader.GetString(1), Json)!));
        return rows;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return command;
    }
}
