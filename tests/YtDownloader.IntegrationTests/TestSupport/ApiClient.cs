using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>The calls a user makes, returning the parsed JSON body with the status.</summary>
public static class ApiClient
{
    public static async Task<(HttpStatusCode Status, JsonElement Body, string? ContentType)> GetVideoAsync(this HttpClient http, string url, bool all = false)
    {
        using var response = await http.GetAsync($"/api/video?url={Uri.EscapeDataString(url)}{(all ? "&all=true" : "")}");
        return (response.StatusCode, await ReadJsonAsync(response), response.Content.Headers.ContentType?.MediaType);
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body, string? ContentType)> UploadAsync(this HttpClient http, object body)
    {
        using var response = await http.PostAsJsonAsync("/api/upload-s3", body);
        return (response.StatusCode, await ReadJsonAsync(response), response.Content.Headers.ContentType?.MediaType);
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldNotContain("   at ", customMessage: "a stack trace reached the client");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static string Text(this JsonElement element, string property) => element.GetProperty(property).GetString()!;
}
