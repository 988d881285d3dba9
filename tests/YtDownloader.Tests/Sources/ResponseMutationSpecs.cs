using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using YtDownloader.Sources.Invidious;
using Microsoft.Extensions.Logging.Abstractions;
using YtDownloader.Sources.Youtube;
using YtDownloader.Sources.Youtube.Clients;
using YtDownloader.Sources.Youtube.Cookies;
using YtDownloader.Tests.TestSupport;
using YtDownloader.Urls;

namespace YtDownloader.Tests.Sources;

/// <summary>
/// Every recorded player and Invidious response, truncated, with fields deleted and with values of the wrong
/// type, read the way the service reads them (from an HTTP body, through the client and the parser): each either
/// parses or fails with one of our typed errors, never anything else.
/// </summary>
public sealed partial class ResponseMutationSpecs(ITestOutputHelper output)
{
    private const int Seed = 20_260_706;
    private const int StructuralMutationsPerFile = 60;
    private static readonly Uri Instance = new("https://inv.example/");
    private static readonly ClientProfileSet Profiles = ClientProfileSet.Load(null);

    public static TheoryData<string> RecordedResponses()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.EnumerateFiles(Fixtures.Root, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (name.StartsWith("player-", StringComparison.Ordinal) || name.StartsWith("reel-", StringComparison.Ordinal) || name == "api-v1-videos.json")
                data.Add(Path.GetRelativePath(Fixtures.Root, path));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RecordedResponses))]
    public async Task A_truncated_or_mutated_response_parses_or_fails_with_a_typed_error(string file)
    {
        var text = await File.ReadAllTextAsync(Fixtures.Path(file), TestContext.Current.CancellationToken);
        var isInvidious = file.EndsWith("api-v1-videos.json", StringComparison.Ordinal);
        var id = VideoId.Parse(VideoIdField().Match(text) is { Success: true } m ? m.Groups[1].Value : "aaaaaaaaaaa");
        var random = new Random(Seed ^ StableHash(file));
        var mutations = Truncations(text, random).Concat(Structural(text, random)).ToList();

        var (parsed, typed) = (0, 0);
        foreach (var (description, body) in mutations)
        {
            try
            {
                await ReadAsync(body, id, isInvidious);
                parsed++;
            }
            catch (YtDownloaderException)
            {
                typed++;
            }
            catch (Exception ex)
            {
                throw new ShouldAssertException($"{file}, {description}: {ex.GetType().Name} escaped: {ex.Message}", ex);
            }
        }

        output.WriteLine($"{file}: seed {Seed}, {mutations.Count} mutations, {parsed} parsed, {typed} typed errors");
        (parsed + typed).ShouldBe(mutations.Count);
        typed.ShouldBeGreaterThan(0, "truncated JSON must be refused");
    }

    private static async Task ReadAsync(string body, VideoId id, bool isInvidious)
    {
        using var http = new HttpClient(new CannedResponse(body));
        if (isInvidious)
        {
            await new InvidiousSource(http, Instance).GetVideoAsync(id, new HashSet<string>(), CancellationToken.None);
            return;
        }
        var options = Options.Create(new YoutubeOptions());
        var client = new InnerTubeClient(http, new YoutubeOrigin(options), new YoutubeCookies(options, TimeProvider.System, NullLogger<YoutubeCookies>.Instance));
        var json = await client.GetPlayerAsync(id, Profiles["visionos"], null, CancellationToken.None);
        PlayerResponse.Parse(json, id);
    }

    private static IEnumerable<(string, string)> Truncations(string text, Random random)
    {
        int[] offsets = [0, 1, text.Length / 4, text.Length / 2, text.Length - 1, .. Enumerable.Range(0, 5).Select(_ => random.Next(text.Length))];
        return offsets.Distinct().Select(o => ($"truncated at {o}", text[..o]));
    }

    private static IEnumerable<(string, string)> Structural(string text, Random random)
    {
        JsonNode?[] replacements =
        [
            null, JsonValue.Create(-1), JsonValue.Create(long.MaxValue), JsonValue.Create(1e308), JsonValue.Create(""),
            JsonValue.Create("not a number"), JsonValue.Create(true), new JsonArray(), new JsonObject(), JsonValue.Create(new string('x', 10_000)),
        ];
        for (var i = 0; i < StructuralMutationsPerFile; i++)
        {
            var root = JsonNode.Parse(text)!;
            var nodes = Descendants(root).ToList();
            if (nodes.Count == 0)
                yield break; // "{}": nothing to mutate, the truncations cover it
            var target = nodes[random.Next(nodes.Count)];
            var parent = target.Parent!;
            var deleting = random.Next(3) == 0;
            var replacement = replacements[random.Next(replacements.Length)]?.DeepClone();
            var where = target.GetPath();
            switch (parent)
            {
                case JsonObject obj when deleting:
                    obj.Remove(target.GetPropertyName());
                    break;
                case JsonObject obj:
                    obj[target.GetPropertyName()] = replacement;
                    break;
                case JsonArray array when deleting:
                    array.RemoveAt(target.GetElementIndex());
                    break;
                case JsonArray array:
                    array[target.GetElementIndex()] = replacement;
                    break;
            }
            yield return (deleting ? $"deleted {where}" : $"{where} set to {replacement?.ToJsonString() ?? "null"}", root.ToJsonString());
        }
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject obj => obj.Select(p => p.Value),
            JsonArray array => array,
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            yield return child;
            foreach (var descendant in Descendants(child))
                yield return descendant;
        }
    }

    private static int StableHash(string text) => text.Aggregate(17, (h, c) => unchecked((h * 31) + c));

    [GeneratedRegex("\"videoId\"\\s*:\\s*\"([A-Za-z0-9_-]{11})\"")]
    private static partial Regex VideoIdField();

    private sealed class CannedResponse(string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
    }
}
