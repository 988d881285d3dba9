using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>The jobs API as a client uses it.</summary>
public static class JobsClient
{
    private static readonly HashSet<string> Ended = ["done", "failed", "cancelled"];

    public static bool HasEnded(this JsonElement job) => Ended.Contains(job.Text("phase"));

    public static async Task<(HttpStatusCode Status, JsonElement Job, HttpResponseMessage Response)> CreateJobAsync(
        this HttpClient http, string url, string quality, string? format = null)
    {
        var response = await http.PostAsJsonAsync("/api/jobs", new { url, quality, format });
        return (response.StatusCode, await ApiClient.ReadJsonAsync(response), response);
    }

    public static async Task<JsonElement> GetJobAsync(this HttpClient http, string id)
    {
        using var response = await http.GetAsync($"/api/jobs/{id}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await ApiClient.ReadJsonAsync(response);
    }

    public static async Task<List<JsonElement>> ListJobsAsync(this HttpClient http, int limit = 100)
    {
        using var response = await http.GetAsync($"/api/jobs?limit={limit}");
        return (await ApiClient.ReadJsonAsync(response)).GetProperty("jobs").EnumerateArray().ToList();
    }

    /// <summary>Polls until the job ends or the time is up.</summary>
    public static async Task<JsonElement> WaitForEndAsync(this HttpClient http, string id, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            var job = await http.GetJobAsync(id);
            if (job.HasEnded())
                return job;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Job {id} did not end in time; last seen: {job}");
            await Task.Delay(100);
        }
    }

    /// <summary>Polls until the job reports bytes flowing.</summary>
    public static Task WaitUntilTransferringAsync(this HttpClient http, string id) =>
        http.WaitWhileRunningUntilAsync(id, job => job.GetProperty("downloadedBytes").GetInt64() > 0, "to be transferring");

    /// <summary>Polls until a node has taken the job up; a job that ends first, or a minute without it, fails the test.</summary>
    public static Task WaitUntilStartedAsync(this HttpClient http, string id) =>
        http.WaitWhileRunningUntilAsync(id, job => job.Text("phase") != "queued", "to have started");

    /// <summary>Polls until a job that has not ended meets <paramref name="condition"/>; one that ends first, or a minute without it, fails the test.</summary>
    private static async Task WaitWhileRunningUntilAsync(this HttpClient http, string id, Func<JsonElement, bool> condition, string expectation)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var job = await http.GetJobAsync(id);
            if (!job.HasEnded() && condition(job))
                return;
            if (job.HasEnded() || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"Job {id} was expected {expectation}: {job}");
            await Task.Delay(50);
        }
    }

    /// <summary>Reads the job's server-sent events until the stream ends, telling <paramref name="onEvent"/> of each as it comes.</summary>
    public static async Task<List<(string Type, JsonElement Data)>> ReadEventsAsync(
        this HttpClient http, string id, Action<(string Type, JsonElement Data)>? onEvent = null)
    {
        using var response = await http.GetAsync($"/api/jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<(string, JsonElement)>();
        string type = "message";
        var data = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event:", StringComparison.Ordinal))
                type = line[6..].Trim();
            else if (line.StartsWith("data:", StringComparison.Ordinal))
                data.Add(line[5..].TrimStart());
            else if (line.Length == 0 && data.Count > 0)
            {
                events.Add((type, JsonDocument.Parse(string.Join('\n', data)).RootElement.Clone()));
                onEvent?.Invoke(events[^1]);
                (type, data) = ("message", []);
            }
        }
        return events;
    }
}
