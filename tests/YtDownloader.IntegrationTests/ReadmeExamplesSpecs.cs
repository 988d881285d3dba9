using System.Text.Json;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>
/// Every curl command of the README, taken from the README itself, run as written (only the address changed) against
/// the service as its own process: each answers with what the README shows after it, so the two cannot drift apart.
/// </summary>
public sealed partial class ReadmeExamplesSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    /// <summary>A curl command of the README and the JSON shown right after it, if any.</summary>
    public sealed record Example(string Command, string? ShownAnswer);

    [Fact]
    public void The_README_has_curl_examples_with_their_answers()
    {
        var examples = Examples();

        examples.Count.ShouldBeGreaterThanOrEqualTo(5);
        examples.ShouldAllBe(e => e.ShownAnswer != null, "each example shows its answer");
    }

    [Fact]
    public async Task Every_curl_example_of_the_README_answers_as_the_README_shows()
    {
        fixture.Origin.Youtube["dQw4w9WgXcQ"] = YoutubeBehaviour.Playable;
        var settings = ServiceFactory.S3Settings(fixture.Origin, fixture.S3);
        settings["Jobs:DatabasePath"] = Path.Combine(Directory.CreateTempSubdirectory("ytd-readme-").FullName, "jobs.db");
        await using var service = await ServerProcess.StartAsync(settings);

        var failures = await DisagreementsAsync(service.BaseUrl);

        failures.ShouldBeEmpty(string.Join("\n\n", failures));
    }

    /// <summary>Runs every curl example against a running service; each answer that is not what the README shows, with why.</summary>
    public static async Task<List<string>> DisagreementsAsync(Uri service)
    {
        var failures = new List<string>();
        foreach (var example in Examples())
        {
            var command = example.Command.Replace("http://localhost:8080", service.ToString().TrimEnd('/'), StringComparison.Ordinal)
                .Replace("localhost:8080", service.Authority, StringComparison.Ordinal);
            // The status after the body, on a line of its own; -sS: no progress meter, errors still said.
            var run = await Cli.Wrap("bash").WithArguments(["-c", $"{command} -sS --max-time 120 -w '\\n%{{http_code}}'"])
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            var output = run.StandardOutput.TrimEnd();
            var status = int.Parse(output[(output.LastIndexOf('\n') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            var body = output[..output.LastIndexOf('\n')];
            if (Disagreement(example, status, body) is { } why)
                failures.Add($"{example.Command}\n  {why}\n  answered {status}: {body}");
        }
        return failures;
    }

    /// <summary>Why the answer is not what the README shows: another kind of status, or a field it shows that is missing.</summary>
    private static string? Disagreement(Example example, int status, string body)
    {
        JsonElement answer;
        try
        {
            answer = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            return "the answer is not JSON";
        }
        var shownStatus = StatusPattern().Match(example.ShownAnswer!) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : (int?)null;
        if (shownStatus is { } expected ? status != expected : status is < 200 or >= 300)
            return $"the README shows {(shownStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "a success")}";
        var present = new HashSet<string>();
        Collect(answer, present);
        var missing = FieldPattern().Matches(example.ShownAnswer!).Select(f => f.Groups[1].Value).Where(f => !present.Contains(f)).Distinct().ToList();
        return missing.Count == 0 ? null : $"the README shows fields the answer lacks: {string.Join(", ", missing)}";
    }

    private static void Collect(JsonElement element, HashSet<string> names)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                names.Add(property.Name);
                Collect(property.Value, names);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
                Collect(item, names);
        }
    }

    /// <summary>The README's fenced blocks in order; a <c>sh</c> block's curl commands, with the <c>json</c> block after it.</summary>
    private static List<Example> Examples()
    {
        var blocks = FencePattern().Matches(File.ReadAllText(Path.Combine(Repository.Root, "README.md")))
            .Select(m => (Language: m.Groups[1].Value, Text: m.Groups[2].Value)).ToList();
        var examples = new List<Example>();
        for (var i = 0; i < blocks.Count; i++)
        {
            if (blocks[i].Language != "sh")
                continue;
            var answer = i + 1 < blocks.Count && blocks[i + 1].Language == "json" ? blocks[i + 1].Text : null;
            var commands = blocks[i].Text.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n')
                .Select(l => l.Trim()).Where(l => l.StartsWith("curl ", StringComparison.Ordinal));
            examples.AddRange(commands.Select(c => new Example(c, answer)));
        }
        return examples;
    }

    [GeneratedRegex(@"^```(\w*)\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex FencePattern();

    [GeneratedRegex(@"""([A-Za-z_][A-Za-z0-9_]*)""\s*:")]
    private static partial Regex FieldPattern();

    [GeneratedRegex(@"""status""\s*:\s*(\d{3})")]
    private static partial Regex StatusPattern();
}
