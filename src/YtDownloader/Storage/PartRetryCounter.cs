using System.Collections.Concurrent;
using Amazon.Runtime;
using Microsoft.AspNetCore.WebUtilities;

namespace YtDownloader.Storage;

/// <summary>
/// Counts the multipart parts that the S3 SDK sends again after a failed try (<c>ytdownloader.s3.part_retries</c>):
/// the SDK retries inside itself and tells nobody, so its HTTP requests are watched for a part number of an upload
/// that was already sent. What is remembered of an upload goes when it is completed or aborted.
/// </summary>
internal sealed class PartRetryCounter : DelegatingHandler
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _partsSent = new();

    public PartRetryCounter(HttpMessageHandler inner) : base(inner) { }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Observe(request);
        return base.SendAsync(request, cancellationToken);
    }

    private void Observe(HttpRequestMessage request)
    {
        var query = QueryHelpers.ParseQuery(request.RequestUri?.Query);
        if (!query.TryGetValue("uploadId", out var uploadId))
            return;
        if (request.Method == HttpMethod.Put && query.TryGetValue("partNumber", out var partNumber))
        {
            var sent = _partsSent.GetOrAdd(uploadId.ToString(), _ => new ConcurrentDictionary<string, byte>());
            if (!sent.TryAdd(partNumber.ToString(), 0))
                ServiceMetrics.S3PartRetried();
        }
        else if (request.Method == HttpMethod.Post || request.Method == HttpMethod.Delete)
        {
            _partsSent.TryRemove(uploadId.ToString(), out _);
        }
    }
}

/// <summary>The S3 client's HTTP clients, each with its <see cref="PartRetryCounter"/> in front.</summary>
internal sealed class CountingHttpClientFactory : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
        new(new PartRetryCounter(new SocketsHttpHandler
        {
            // As the SDK's own client: it sets its timeouts per request, and pools connections for its parallel parts.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        }))
        {
            // The SDK leaves a plain HttpClient's 100 s when no timeout is configured; so does this.
            Timeout = clientConfig.Timeout ?? TimeSpan.FromSeconds(100),
        };
}
