namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>The service fixture with a PostgreSQL server of its own: each service gets a new database on it for its jobs.</summary>
public class PostgresServiceFixture : ServiceFixture
{
    public PostgresServer Postgres { get; } = new();

    public override async ValueTask InitializeAsync()
    {
        await Postgres.InitializeAsync();
        await base.InitializeAsync();
    }

    public override async Task<(string Key, string Value)> NewJobsDatabaseAsync() =>
        ("ConnectionStrings:Jobs", await Postgres.CreateDatabaseAsync());

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
