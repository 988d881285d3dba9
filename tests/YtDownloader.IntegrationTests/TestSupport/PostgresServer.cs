using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>
/// A real PostgreSQL server of the test's own: a new cluster (initdb) in a temporary folder, on a free port of
/// 127.0.0.1, stopped and deleted afterwards; no system service. PostgreSQL refuses to run as root, so when the
/// tests do, the cluster belongs to the unprivileged user <c>nobody</c>. The binaries are Debian's
/// (<c>scripts/install-deps.sh postgres</c>), or those in <c>YTD_TEST_POSTGRES_BIN</c>.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string BinVariable = "YTD_TEST_POSTGRES_BIN";
    private const string Superuser = "postgres";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"ytd-pg-{Guid.NewGuid():N}");
    private readonly string _bin = FindBinaries();

    public int Port { get; } = LoopbackPort.Free();

    private string DataFolder => Path.Combine(_folder, "data");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        if (Environment.IsPrivilegedProcess)
            await RunAsync("chown", ["nobody:", _folder]);
        await RunAsync(Path.Combine(_bin, "initdb"), ["-D", DataFolder, "-U", Superuser, "--auth=trust", "--no-sync", "-E", "UTF8"], asServerUser: true);
        var settings = string.Join(' ',
            $"-p {Port}", "-c listen_addresses=127.0.0.1", $"-c unix_socket_directories={_folder}", "-c fsync=off",
            "-c synchronous_commit=off", "-c max_connections=300");
        await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataFolder, "-l", Path.Combine(_folder, "server.log"), "-o", settings, "-w", "start"], asServerUser: true);
    }

    /// <summary>A new empty database on this server, as a connection string for <c>ConnectionStrings:Jobs</c>.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"ytd_{Guid.NewGuid():N}"[..20];
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Database = database, Username = Superuser }.ToString();

    public async ValueTask DisposeAsync()
    {
        await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataFolder, "-m", "immediate", "-w", "stop"], asServerUser: true);
        NpgsqlConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static string FindBinaries()
    {
        if (Environment.GetEnvironmentVariable(BinVariable) is { Length: > 0 } configured)
            return configured;
        // Debian keeps each major version's programs apart; the newest installed one.
        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return installed ?? throw new InvalidOperationException(
            $"PostgreSQL's server programs (initdb, pg_ctl) were not found in /usr/lib/postgresql/*/bin: install them with " +
            $"scripts/install-deps.sh postgres, or set {BinVariable} to the folder that holds them.");
    }

    private static async Task RunAsync(string program, string[] arguments, bool asServerUser = false)
    {
        var start = asServerUser && Environment.IsPrivilegedProcess
            ? new ProcessStartInfo("runuser", ["-u", "nobody", "--", program, .. arguments])
            : new ProcessStartInfo(program, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed ({process.ExitCode}): {await output}{await errors}");
    }
}
