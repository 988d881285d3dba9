using Amazon.S3;
using CliWrap;
using CliWrap.Buffered;

namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>
/// A radosgw of this test's own, on free ports and its own folder, started with the project's script:
/// the one every test shares must never be stopped, this one may be.
/// </summary>
public sealed class PrivateS3Server : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"ytd-private-s3-{Guid.NewGuid():N}");
    private readonly int _port = LoopbackPort.Free();
    private readonly int _monitorPort = LoopbackPort.Free();

    public string ServiceUrl => $"http://127.0.0.1:{_port}";
    public string Bucket { get; } = $"ytd-private-{Guid.NewGuid():N}"[..30];
    public IAmazonS3 Client { get; private set; } = null!;

    public async Task StartAsync()
    {
        await RunScriptAsync("start");
        Client = S3TestServer.CreateClient(ServiceUrl);
        await Client.PutBucketAsync(Bucket);
    }

    /// <summary>Stops the S3 gateway only: Ceph and the data stay, as in an outage of the S3 service.</summary>
    public Task StopGatewayAsync() => RunScriptAsync("gateway-stop");

    public Task StartGatewayAsync() => RunScriptAsync("gateway-start");

    private async Task RunScriptAsync(string command)
    {
        var result = await Cli.Wrap("bash")
            .WithArguments([Path.Combine(Repository.Root, "scripts", "s3-server.sh"), command])
            .WithEnvironmentVariables(e => e
                .Set("S3_PORT", _port.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Set("S3_MON_PORT", _monitorPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Set("S3_DIR", _folder))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"s3-server.sh {command} failed: {result.StandardOutput}{result.StandardError}");
    }


    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        await RunScriptAsync("stop");
    }
}
