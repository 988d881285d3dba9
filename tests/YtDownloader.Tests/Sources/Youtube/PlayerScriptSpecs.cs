using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using YtDownloader.Sources.Youtube.Player;
using YtDownloader.Tests.TestSupport;

namespace YtDownloader.Tests.Sources.Youtube;

/// <summary>
/// Every known answer recorded beside the fixture players (decipher-reference.json: answers computed on the recorded
/// responses, yt-dlp's published n tests, and synthetic challenges) must come out of <see cref="PlayerScript"/>, by
/// the way it runs in the service (the extracted functions) and by the whole player, which must agree.
/// </summary>
public sealed class PlayerScriptSpecs
{
    // Loading a player takes up to a second and megabytes: once per player for the whole class.
    private static readonly ConcurrentDictionary<string, Lazy<PlayerScript>> Players = new(StringComparer.Ordinal);

    public static IEnumerable<TheoryDataRow<string, string, string>> KnownAnswersOf(string kind) =>
        KnownAnswers.All()
            .Where(answer => answer.Kind == kind)
            .Select(answer => new TheoryDataRow<string, string, string>(answer.Player, answer.Input, answer.Expected));

    public static IEnumerable<TheoryDataRow<string, int>> RecordedSignatureTimestamps() =>
        KnownAnswers.SignatureTimestamps().Select(pair => new TheoryDataRow<string, int>(pair.Player, pair.SignatureTimestamp));

    public static IEnumerable<TheoryDataRow<string>> RecordedPlayers() =>
        KnownAnswers.Players().Select(player => new TheoryDataRow<string>(player));

    [Theory]
    [MemberData(nameof(KnownAnswersOf), KnownAnswers.Signature)]
    public void I_can_decipher_every_recorded_signature_with_its_player(string player, string s, string expected) =>
        Player(player).DecipherSignature(s).ShouldBe(expected);

    [Theory]
    [MemberData(nameof(KnownAnswersOf), KnownAnswers.N)]
    public void I_can_transform_every_recorded_n_with_its_player(string player, string n, string expected) =>
        Player(player).TransformN(n).ShouldBe(expected);

    [Theory]
    [MemberData(nameof(RecordedSignatureTimestamps))]
    public void I_can_read_the_signature_timestamp_of_every_player(string player, int expected) =>
        Player(player).SignatureTimestamp.ShouldBe(expected);

    [Fact]
    public void Every_recorded_player_has_known_answers_of_both_kinds()
    {
        var answers = KnownAnswers.All().ToList();
        var players = KnownAnswers.Players();
        players.Count.ShouldBeGreaterThanOrEqualTo(5);
        foreach (var player in players)
        {
            answers.ShouldContain(answer => answer.Player == player && answer.Kind == KnownAnswers.Signature, $"{player} has no signature answer");
            answers.ShouldContain(answer => answer.Player == player && answer.Kind == KnownAnswers.N, $"{player} has no n answer");
        }
    }

    [Theory]
    [MemberData(nameof(RecordedPlayers))]
    public void Every_recorded_player_runs_from_its_extracted_functions(string player)
    {
        Player(player).FallbackReason.ShouldBeNull();
        Player(player).Way.ShouldBe(PlayerScriptWay.ExtractedFunctions);
    }

    [Theory]
    [MemberData(nameof(RecordedPlayers))]
    public void The_whole_player_gives_every_known_answer_and_its_extracted_functions_the_same_on_other_inputs(string player)
    {
        var known = KnownAnswers.All().Where(answer => answer.Player == player).ToList();
        // Inputs nobody recorded: the known ones rotated, so that they keep their lengths and alphabet.
        var others = known.SelectMany(answer => Enumerable.Range(1, 3).Select(shift =>
            answer with { Input = answer.Input[shift..] + answer.Input[..shift] })).ToList();
        var extracted = Player(player);
        using var whole = PlayerScript.Load(File.ReadAllText(Fixtures.Path(player)), way: PlayerScriptWay.WholePlayer);

        whole.Way.ShouldBe(PlayerScriptWay.WholePlayer);
        known.ShouldAllBe(answer => Ask(whole, answer) == answer.Expected);
        others.ShouldAllBe(answer => Ask(extracted, answer) == Ask(whole, answer));
    }

    [Fact]
    public void An_engine_idle_long_enough_is_released_and_loaded_again_for_the_next_answer()
    {
        var answers = KnownAnswers.All().Where(answer => answer.Player == KnownAnswers.Players()[^1]).ToList();
        var time = new FakeTimeProvider();
        using var player = PlayerScript.Load(File.ReadAllText(Fixtures.Path(answers[0].Player)), time);
        Ask(player, answers[0]).ShouldBe(answers[0].Expected);

        time.Advance(TimeSpan.FromSeconds(59));
        player.ReleaseIfIdle(TimeSpan.FromMinutes(1)).ShouldBeFalse();
        time.Advance(TimeSpan.FromSeconds(1));
        player.ReleaseIfIdle(TimeSpan.FromMinutes(1)).ShouldBeTrue();

        player.IsLoaded.ShouldBeFalse();
        answers.ShouldAllBe(answer => Ask(player, answer) == answer.Expected);
        player.IsLoaded.ShouldBeTrue();
    }

    [Fact]
    public void I_get_the_same_answers_when_many_threads_ask_one_player_at_once()
    {
        var answers = KnownAnswers.All().GroupBy(answer => answer.Player).MaxBy(group => group.Count())!.ToList();
        var player = Player(answers[0].Player);

        var results = new ConcurrentBag<(KnownAnswer Answer, string Actual)>();
        Parallel.ForEach(Enumerable.Range(0, 4).SelectMany(_ => answers), answer =>
            results.Add((answer, answer.Kind == KnownAnswers.N ? player.TransformN(answer.Input) : player.DecipherSignature(answer.Input))));

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

    [Fact]
    public void A_player_whose_functions_cannot_be_extracted_runs_whole()
    {
        // The n function needs what a call inside a comma sequence sets up; the extraction leaves such calls out.
        using var player = PlayerScript.Load(FakePlayer(
            nFunction: "function(a){return T.f(a)}",
            setUp: "var T={};var setUp=function(t){t.f=function(a){return a+\"!\"}};x=0,setUp(T);"));

        player.Way.ShouldBe(PlayerScriptWay.WholePlayer);
        player.FallbackReason.ShouldNotBeNull();
        player.TransformN("known").ShouldBe("known!");
    }

    private static string Ask(PlayerScript player, KnownAnswer answer) =>
        answer.Kind == KnownAnswers.N ? player.TransformN(answer.Input) : player.DecipherSignature(answer.Input);

    private static PlayerScript Player(string relativePath) =>
        Players.GetOrAdd(relativePath, path => new Lazy<PlayerScript>(() => PlayerScript.Load(File.ReadAllText(Fixtures.Path(path))))).Value;

    /// <summary>
    /// A player in miniature: the outer wrapper, a URL class that transforms n when read (as the real one does), a
    /// signature function that reverses, and the URL builder.
    /// </summary>
    private static string FakePlayer(string nFunction, string setUp = "") =>
        "var _yt_player={};(function(g){var window=this;" + setUp +
        "var U=function(a,b){this.u=a;this.t=b;this.p={}};" +
        "U.prototype.set=function(k,v){this.p[k]=v};" +
        "U.prototype.get=function(k){if(this.u){var q=this.u.split(\"?\")[1].split(\"&\");for(var i=0;i<q.length;i++){var kv=q[i].split(\"=\");this.p[kv[0]]=kv[1]}this.u=\"\";" +
        "if(this.t&&this.p.n)this.p.n=nf(this.p.n)}return this.p[k]||null};" +
        "var nf=" + nFunction + ";" +
        "var sf=function(a){return a.split(\"\").reverse().join(\"\")};" +
        "g.build=function(a,b,c){a=new U(a,!0);a.set(\"alr\",\"yes\");c&&(c=sf(decodeURIComponent(c)),a.set(b,encodeURIComponent(c)));return a};" +
        "g.start(document.body);" +
        "})(_yt_player);";
}
