using System.Data.Common;
using Npgsql;

namespace YtDownloader.Jobs;

/// <summary>
/// The jobs in PostgreSQL, shared by every node pointed at the same database: nodes claim rows with
/// <c>FOR UPDATE SKIP LOCKED</c>, and every change is announced with <c>NOTIFY</c> to every node's <c>LISTEN</c>.
/// </summary>
public sealed class PostgresJobStore : SqlJobStore, IAsyncDisposable
{
    private const string Channel = "ytdownloader_jobs";
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<PostgresJobStore> _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task _listening = Task.CompletedTask;

    public PostgresJobStore(string connectionString, JobSignals signals, ILogger<PostgresJobStore> logger) : base(signals)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Location = $"PostgreSQL database {builder.Database} on {builder.Host}:{builder.Port}";
        _dataSource = NpgsqlDataSource.Create(builder);
        _logger = logger;
    }

    public override bool IsShared => true;

    public override string Location { get; }

    protected override IReadOnlyList<string> Migrations { get; } =
    [
        $"""
        CREATE TABLE jobs (
            seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id               TEXT NOT NULL UNIQUE,
            object_key       TEXT NOT NULL,
            phase            TEXT NOT NULL,
            node             TEXT,
            lease_until      BIGINT,
            cancel_requested BOOLEAN NOT NULL DEFAULT FALSE,
            batch            TEXT,
            snapshot         TEXT NOT NULL
        );
        CREATE UNIQUE INDEX jobs_active_object_key ON jobs (object_key) WHERE phase NOT IN ({Ended}) AND object_key <> '';
        CREATE INDEX jobs_batch ON jobs (batch, seq);
        CREATE INDEX jobs_phase ON jobs (phase);
        """,
    ];

    protected override string Now => "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

    protected override string SkipLocked => "FOR UPDATE SKIP LOCKED";

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await base.InitializeAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new JobStoreUnavailableException(Location, ex);
        }
        // Listening before the first job is claimed: from here on no change on another node goes unnoticed.
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _listening = ListenAsync(listening, _stop.Token);
        await listening.Task.WaitAsync(cancellationToken);
    }

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    // Two nodes starting at once on a new database: one migrates, the other then finds it done.
    protected override async Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(hashtext('ytdownloader_jobs_schema'))", cancellationToken);

    protected override async Task AnnounceAsync(DbConnection connection, IReadOnlyList<string> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
            await ExecuteAsync(connection, null, "SELECT pg_notify(@channel, @message)", cancellationToken, ("@channel", Channel), ("@message", message));
    }

    private async Task ListenAsync(TaskCompletionSource listening, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(stop);
                connection.Notification += (_, e) => Receive(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stop);
                listening.TrySetResult();
                // Whatever was announced while not listening is looked at again.
                Signals.EverythingChanged();
                while (true)
                    await connection.WaitAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or IOException or TimeoutException)
            {
                _logger.LogWarning("Lost the notifications of the {Location} ({Error}); listening again in {Delay}", Location, ex.Message, ReconnectDelay);
                await Task.Delay(ReconnectDelay, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _listening;
        await _dataSource.DisposeAsync();
        _stop.Dispose();
    }
}
