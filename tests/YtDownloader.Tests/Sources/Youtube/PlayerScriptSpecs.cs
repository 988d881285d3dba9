using System.Collections.Concurrent;
using System.Text.Json;
using YtDownloader.Sources.Youtube.Player;
using YtDownloader.Tests.TestSupport;

namespace YtDownloader.Tests.Sources.Youtube;

/// <summary>
/// Every known answer recorded beside the fixture players (decipher-reference.json: answers computed on the recorded
/// responses, yt-dlp's published n tests, and synthetic challenges) must come out of <see cref="PlayerScript"/>.
/// </summary>
public sealed class PlayerScriptSpecs
{
    private const string Signature = "sig";
    private const string N = "n";

    // Loading a player takes about a second and tens of megabytes: once per player for the whole class.
    private static readonly ConcurrentDictionary<string, Lazy<PlayerScript>> Players = new(StringComparer.Ordinal);

    public static IEnumerable<TheoryDataRow<string, string, string>> KnownAnswers(string kind) =>
        ReadKnownAnswers()
            .Where(answer => answer.Kind == kind)
            .Select(answer => new TheoryDataRow<string, string, string>(answer.Player, answer.Input, answer.Expected));

    public static IEnumerable<TheoryDataRow<string, int>> RecordedSignatureTimestamps() =>
        ReferenceFiles()
            .Select(reference => (reference.Player, reference.Json.RootElement.GetProperty("signatureTimestamp_from_js").GetInt32()))
            .Distinct()
            .Select(pair => new TheoryDataRow<string, int>(pair.Player, pair.Item2));

    [Theory]
    [MemberData(nameof(KnownAnswers), Signature)]
    public void I_can_decipher_every_recorded_signature_with_its_player(string player, string s, string expected) =>
        Player(player).DecipherSignature(s).ShouldBe(expected);

    [Theory]
    [MemberData(nameof(KnownAnswers), N)]
    public void I_can_transform_every_recorded_n_with_its_player(string player, string n, string expected) =>
        Player(player).TransformN(n).ShouldBe(expected);

    [Theory]
    [MemberData(nameof(RecordedSignatureTimestamps))]
    public void I_can_read_the_signature_timestamp_of_every_player(string player, int expected) =>
        Player(player).SignatureTimestamp.ShouldBe(expected);

    [Fact]
    public void Every_recorded_player_has_known_answers_of_both_kinds()
    {
        var answers = ReadKnownAnswers().ToList();
        foreach (var player in ReferenceFiles().Select(reference => reference.Player).Distinct())
        {
            answers.ShouldContain(answer => answer.Player == player && answer.Kind == Signature, $"{player} has no signature answer");
            answers.ShouldContain(answer => answer.Player == player && answer.Kind == N, $"{player} has no n answer");
        }
    }

    [Fact]
    public void I_get_the_same_answers_when_many_threads_ask_one_player_at_once()
    {
        var answers = ReadKnownAnswers().GroupBy(answer => answer.Player).MaxBy(group => group.Count())!.ToList();
        var player = Player(answers[0].Player);

        var results = new ConcurrentBag<(KnownAnswer Answer, string Actual)>();
        Parallel.ForEach(Enumerable.Range(0, 4).SelectMany(_ => answers), answer =>
            results.Add((answer, answer.Kind == N ? player.TransformN(answer.Input) : player.DecipherSignature(answer.Input))));

        results.Count.ShouldBe(answers.Count * 4);
        results.ShouldAllBe(result => result.Actual == result.Answer.Expected);
    }

    [Theory]
    [InlineData("var _yt_player={};(function(g){var window=this;g.f=function(a){return a};})(_yt_player);")]
    [InlineData("var x = function(a){a.set(\"alr\",\"yes\");return a};")]
    [InlineData("this is not JavaScript (")]
    public void A_script_without_the_player_functions_cannot_be_loaded(string javascript) =>
        Should.Throw<PlayerScriptException>(() => PlayerScript.Load(javascript));

    [Fact]
    public void A_player_whose_n_function_fails_is_refused_when_loaded()
    {
        // The real n functions catch their own errors and answer "enhanced_except_…": that must not pass for an answer.
        var exception = Should.Throw<PlayerScriptException>(() =>
            PlayerScript.Load(FakePlayer(nFunction: "function(a){return \"enhanced_except_\"+a}")));
        exception.Message.ShouldContain("enhanced_except");
    }

    [Fact]
    public void A_player_that_leaves_n_unchanged_is_refused_when_loaded() =>
        // Like the 2025 player's n function when it finds itself outside the player: a silent wrong answer otherwise.
        Should.Throw<PlayerScriptException>(() => PlayerScript.Load(FakePlayer(nFunction: "function(a){return a}")))
            .Message.ShouldContain("unchanged");

    [Fact]
    public void A_player_without_a_signature_timestamp_still_loads()
    {
        using var player = PlayerScript.Load(FakePlayer(nFunction: "function(a){return a.split(\"\").reverse().join(\"\")}"));

        player.SignatureTimestamp.ShouldBeNull();
        player.TransformN("abc").ShouldBe("cba");
        player.DecipherSignature("xyz").ShouldBe("zyx");
    }

    [Fact]
    public void A_disposed_player_answers_nothing_new()
    {
        var player = PlayerScript.Load(FakePlayer(nFunction: "function(a){return a+\"!\"}"));
        player.TransformN("known").ShouldBe("known!");

        player.Dispose();

        Should.Throw<ObjectDisposedException>(() => player.TransformN("new"));
    }

    private static PlayerScript Player(string relativePath) =>
        Players.GetOrAdd(relativePath, path => new Lazy<PlayerScript>(() => PlayerScript.Load(File.ReadAllText(Fixtures.Path(path))))).Value;

    /// <summary>
    /// A player in miniature: the outer wrapper, a URL class that transforms n when read (as the real one does), a
    /// signature function that reverses, and the URL builder.
    /// </summary>
    private static string FakePlayer(string nFunction) =>
        "var _yt_player={};(function(g){var window=this;" +
        "var U=function(a,b){this.u=a;this.t=b;this.p={}};" +
        "U.prototype.set=function(k,v){this.p[k]=v};" +
        "U.prototype.get=function(k){if(this.u){var q=this.u.split(\"?\")[1].split(\"&\");for(var i=0;i<q.length;i++){var kv=q[i].split(\"=\");this.p[kv[0]]=kv[1]}this.u=\"\";" +
        "if(this.t&&this.p.n)this.p.n=nf(this.p.n)}return this.p[k]||null};" +
        "var nf=" + nFunction + ";" +
        "var sf=function(a){return a.split(\"\").reverse().join(\"\")};" +
        "g.build=function(a,b,c){a=new U(a,!0);a.set(\"alr\",\"yes\");c&&(c=sf(decodeURIComponent(c)),a.set(b,encodeURIComponent(c)));return a};" +
        "g.start(document.body);" +
        "})(_yt_player);";

    private sealed record KnownAnswer(string Player, string Kind, string Input, string Expected);

    private static IEnumerable<(string Player, JsonDocument Json)> ReferenceFiles() =>
        Directory.EnumerateFiles(Fixtures.Root, "decipher-reference.json", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(file =>
            {
                var json = JsonDocument.Parse(File.ReadAllText(file));
                var player = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, json.RootElement.GetProperty("player_js").GetString()!));
                return (Path.GetRelativePath(Fixtures.Root, player).Replace('\\', '/'), json);
            });

    /// <summary>Every answer of every reference file, each distinct (player, kind, input) once.</summary>
    private static IEnumerable<KnownAnswer> ReadKnownAnswers() =>
        ReferenceFiles()
            .SelectMany(reference => AnswersIn(reference.Player, reference.Json.RootElement))
            .DistinctBy(answer => (answer.Player, answer.Kind, answer.Input));

    private static IEnumerable<KnownAnswer> AnswersIn(string player, JsonElement reference)
    {
        if (reference.TryGetProperty("computed_reference", out var computed))
        {
            foreach (var entry in computed.GetProperty("entries").EnumerateArray())
            {
                if (entry.TryGetProperty("s", out var s))
                    yield return new KnownAnswer(player, Signature, s.GetString()!, entry.GetProperty("expected_sig").GetString()!);
                if (entry.TryGetProperty("n", out var n))
                    yield return new KnownAnswer(player, N, n.GetString()!, entry.GetProperty("expected_n").GetString()!);
            }
        }
        if (reference.TryGetProperty("synthetic_challenges", out var synthetic))
        {
            foreach (var kind in new[] { Signature, N })
            {
                foreach (var challenge in synthetic.GetProperty(kind).EnumerateArray())
                    yield return new KnownAnswer(player, kind, challenge.GetProperty("input").GetString()!, challenge.GetProperty("expected").GetString()!);
            }
        }
        if (reference.TryGetProperty("published_known_answers", out var published))
        {
            foreach (var answer in published.EnumerateArray())
            {
                var kind = answer.GetProperty("kind").GetString() == "n" ? N : Signature;
                yield return new KnownAnswer(player, kind, answer.GetProperty("input").GetString()!, answer.GetProperty("expected").GetString()!);
            }
        }
    }
}
