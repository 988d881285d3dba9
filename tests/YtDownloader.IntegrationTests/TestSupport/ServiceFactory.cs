using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Mvc.Testing;

namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>
/// The real service on real Kestrel (a real port on 127.0.0.1), configured as a user would configure it:
/// only its settings differ, pointing it at the fake origin and the storage under test.
/// </summary>
public sealed class ServiceFactory(IReadOnlyDictionary<string, string?> settings, Action<IWebHostBuilder>? configure = null)
    : WebApplicationFactory<Program>
{
    // WebApplicationFactory finds the host it starts by listening to process-wide hosting events: two services
    // starting at once in parallel test classes can catch each other's host (a disposed one, for a refused start).
    private static readonly Lock Starting = new();

    /// <param name="configure">Anything besides settings, e.g. a logger provider that captures what the service logs.</param>
    public static ServiceFactory Start(IReadOnlyDictionary<string, string?> settings, Action<IWebHostBuilder>? configure = null)
    {
        var factory = new ServiceFactory(settings, configure);
        factory.UseKestrel(0);
        lock (Starting)
        {
            try
            {
                factory.StartServer();
            }
            catch
            {
                // A factory whose host failed to start still listens for hosting events; left undisposed, it would
                // catch the next service's host and fail that start with a disposed service provider.
                factory.Dispose();
                throw;
            }
        }
        return factory;
    }

    /// <summary>Every test class sends many requests from one address: rate limits only where a test sets them.</summary>
    private static readonly Dictionary<string, string?> TestDefaults = new()
    {
        ["Limits:MetadataRequests"] = "100000",
        ["Limits:JobRequests"] = "100000",
    };

    /// <summary>The address Kestrel listens on, e.g. <c>http://127.0.0.1:41234</c>, for clients other than HttpClient (a browser).</summary>
    public string ServerUrl => Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>Each service keeps its jobs in a database of its own, as separate installations would.</summary>
    public string JobsDatabase { get; } = settings.GetValueOrDefault("Jobs:DatabasePath")
        ?? Path.Combine(Path.GetTempPath(), $"ytd-jobs-{Guid.NewGuid():N}.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Jobs:DatabasePath", JobsDatabase);
        foreach (var (key, value) in TestDefaults.Where(d => !settings.ContainsKey(d.Key)).Concat(settings))
            builder.UseSetting(key, value);
        configure?.Invoke(builder);
    }

    public static Dictionary<string, string?> S3Settings(FakeOrigin origin, S3TestServer s3) => new()
    {
        ["Youtube:Origin"] = origin.BaseUrl.ToString(),
        ["Invidious:Instances:0"] = origin.BaseUrl.ToString(),
        ["Storage:S3:Bucket"] = s3.Bucket,
        ["Storage:S3:ServiceUrl"] = s3.ServiceUrl,
        ["Storage:S3:ForcePathStyle"] = "true",
        // Small chunks and parts, so even short test videos take several of each.
        ["Pipeline:ChunkSize"] = (64 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Storage:S3:PartSize"] = (5 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
