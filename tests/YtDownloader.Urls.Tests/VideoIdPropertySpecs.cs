using System.Globalization;
using System.Text;

namespace YtDownloader.Urls.Tests;

/// <summary>
/// Random and mutated input for the URL library. The seed is fixed so a failure can be replayed; set
/// YTD_URL_PROPERTY_SEED to explore other inputs. Every run prints the seed it used.
/// </summary>
public sealed class VideoIdPropertySpecs(ITestOutputHelper output)
{
    private const int Inputs = 100_000;
    private const string IdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private const string Noise = "/.:?#&=@\\%+ \t\r\n\0\u202E\u200B\uFEFF\u00E9\u4E2D\uD83C\uDFAC\uD800<>\"'[]{}|^`~!$*(),;";

    private static readonly string[] Shapes =
    [
        "{id}",
        "https://www.youtube.com/watch?v={id}",
        "http://youtube.com/watch?v={id}&t=42s",
        "https://m.youtube.com/watch?feature=share&v={id}",
        "https://music.youtube.com/watch?v={id}&list=RDAMVM",
        "https://www.youtube.com/watch?v={id}#t=10",
        "https://www.youtube.com/watch/{id}",
        "https://www.youtube.com/watch_popup?v={id}",
        "www.youtube.com/watch?v={id}",
        "//www.youtube.com/watch?v={id}",
        "HTTPS://WWW.YOUTUBE.COM/watch?v={id}",
        "https://www.youtube.com:443/watch?v={id}",
        "https://youtu.be/{id}",
        "youtu.be/{id}?si=B_RZg_I-lLaa7UU-",
        "https://youtu.be/{id}/",
        "https://www.youtube.com/shorts/{id}",
        "https://youtube.com/shorts/{id}?feature=share",
        "https://www.youtube.com/embed/{id}?start=30",
        "https://www.youtube-nocookie.com/embed/{id}",
        "https://www.youtube.com/live/{id}?si=abc",
        "https://www.youtube.com/v/{id}",
        "https://www.youtube.com/v/{id}&hl=en_US",
        "https://www.youtube.com/e/{id}",
        "https://youtube.googleapis.com/v/{id}",
        "https://www.youtube.com/attribution_link?a=xyz&u=%2Fwatch%3Fv%3D{id}%26feature%3Dshare",
        "  https://youtu.be/{id}  ",
    ];

    private static int Seed =>
        int.TryParse(Environment.GetEnvironmentVariable("YTD_URL_PROPERTY_SEED"), CultureInfo.InvariantCulture, out var seed) ? seed : 20_260_706;

    [Fact]
    public void No_input_makes_the_parser_throw_and_every_accepted_ID_is_eleven_valid_characters()
    {
        var seed = Seed;
        output.WriteLine($"seed {seed} (replay with YTD_URL_PROPERTY_SEED={seed})");
        var random = new Random(seed);
        var accepted = 0;

        for (var i = 0; i < Inputs; i++)
        {
            var input = i % 2 == 0 ? RandomString(random) : Mutate(Link(random, RandomId(random)), random);
            VideoIdParseResult result;
            VideoId? tried;
            try
            {
                result = VideoId.Inspect(input);
                tried = VideoId.TryParse(input);
            }
            catch (Exception ex)
            {
                throw new ShouldAssertException($"seed {seed}, input #{i} {Escape(input)}: {ex.GetType().Name} escaped: {ex.Message}", ex);
            }

            if (result.Id is { } id)
            {
                accepted++;
                id.Value.Length.ShouldBe(11, $"seed {seed}, input #{i} {Escape(input)}");
                id.Value.ShouldAllBe(c => IdAlphabet.Contains(c), $"seed {seed}, input #{i} {Escape(input)}");
                result.Error.ShouldBeNull();
            }
            else
            {
                result.Error.ShouldNotBeNullOrWhiteSpace($"seed {seed}, input #{i} {Escape(input)} was rejected without a reason");
            }
            tried.ShouldBe(result.Id, $"seed {seed}, input #{i} {Escape(input)}");
        }

        output.WriteLine($"{Inputs} inputs, {accepted} accepted, {Inputs - accepted} rejected");
        accepted.ShouldBeGreaterThan(0, "the mutations should leave some links valid");
    }

    [Fact]
    public void Every_supported_link_shape_built_from_a_random_ID_parses_back_to_it()
    {
        var seed = Seed;
        output.WriteLine($"seed {seed} (replay with YTD_URL_PROPERTY_SEED={seed})");
        var random = new Random(seed);

        for (var i = 0; i < 4_000; i++)
        {
            var id = RandomId(random);
            foreach (var shape in Shapes)
            {
                var link = shape.Replace("{id}", id, StringComparison.Ordinal);
                var result = VideoId.Inspect(link);
                result.Error.ShouldBeNull($"seed {seed}: {link}");
                result.Id!.Value.Value.ShouldBe(id, $"seed {seed}: {link}");
            }
        }
        output.WriteLine($"{4_000 * Shapes.Length} links in {Shapes.Length} shapes parsed back");
    }

    private static readonly string[] ListShapes =
    [
        "https://www.youtube.com/playlist?list={list}",
        "https://music.youtube.com/playlist?list={list}&si=x",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&list={list}&index=3",
        "https://youtu.be/dQw4w9WgXcQ?list={list}",
        "https://www.youtube.com/embed/videoseries?list={list}",
        "  www.youtube.com/watch?list={list}#t=1 ",
    ];

    [Fact]
    public void No_input_makes_the_list_parser_throw_and_every_list_it_accepts_has_a_valid_id()
    {
        var seed = Seed;
        output.WriteLine($"seed {seed} (replay with YTD_URL_PROPERTY_SEED={seed})");
        var random = new Random(seed);
        var accepted = 0;

        for (var i = 0; i < Inputs / 2; i++)
        {
            var input = i % 2 == 0 ? RandomString(random) : Mutate(ListLinkOf(random, RandomListId(random)), random);
            LinkInspection link;
            try
            {
                link = YoutubeLink.Inspect(input);
            }
            catch (Exception ex)
            {
                throw new ShouldAssertException($"seed {seed}, input #{i} {Escape(input)}: {ex.GetType().Name} escaped: {ex.Message}", ex);
            }

            if (link.List is { } list)
            {
                accepted++;
                list.Id.Length.ShouldBeInRange(2, 64, $"seed {seed}, input #{i} {Escape(input)}");
                if (!list.IsChannel)
                    list.Id.ShouldAllBe(c => IdAlphabet.Contains(c), $"seed {seed}, input #{i} {Escape(input)}");
                link.Error.ShouldBeNull();
            }
            else if (link.Video is null)
            {
                link.Error.ShouldNotBeNullOrWhiteSpace($"seed {seed}, input #{i} {Escape(input)} was rejected without a reason");
            }
        }

        output.WriteLine($"{Inputs / 2} inputs, {accepted} lists accepted");
        accepted.ShouldBeGreaterThan(0, "the mutations should leave some links valid");
    }

    [Fact]
    public void Every_playlist_link_shape_built_from_a_random_list_id_parses_back_to_it()
    {
        var random = new Random(Seed);
        for (var i = 0; i < 4_000; i++)
        {
            var id = RandomListId(random);
            foreach (var shape in ListShapes)
            {
                var link = shape.Replace("{list}", id, StringComparison.Ordinal);
                var list = YoutubeLink.InspectList(link).List.ShouldNotBeNull($"seed {Seed}: {link}");
                list.Id.ShouldBe(id, $"seed {Seed}: {link}");
                list.Kind.ShouldBe(ListKind.Playlist, $"seed {Seed}: {link}");
            }
        }
    }

    /// <summary>"PL" and 32 characters, as YouTube makes playlist IDs today.</summary>
    private static string RandomListId(Random random) => "PL" + string.Create(32, random, (span, r) =>
    {
        for (var i = 0; i < span.Length; i++)
            span[i] = IdAlphabet[r.Next(IdAlphabet.Length)];
    });

    private static string ListLinkOf(Random random, string id) =>
        ListShapes[random.Next(ListShapes.Length)].Replace("{list}", id, StringComparison.Ordinal);

    private static string RandomId(Random random) => string.Create(11, random, (span, r) =>
    {
        for (var i = 0; i < span.Length; i++)
            span[i] = IdAlphabet[r.Next(IdAlphabet.Length)];
    });

    private static string Link(Random random, string id) => Shapes[random.Next(Shapes.Length)].Replace("{id}", id, StringComparison.Ordinal);

    private static string RandomString(Random random)
    {
        var length = random.Next(4) == 0 ? random.Next(2000, 3000) : random.Next(0, 80);
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(random.Next(3) switch
            {
                0 => IdAlphabet[random.Next(IdAlphabet.Length)],
                1 => Noise[random.Next(Noise.Length)],
                _ => (char)random.Next(0, 0x10000),
            });
        }
        return builder.ToString();
    }

    /// <summary>One to four edits of a valid link: insert, delete, replace, duplicate or swap case.</summary>
    private static string Mutate(string link, Random random)
    {
        var builder = new StringBuilder(link);
        for (var edits = random.Next(1, 5); edits > 0; edits--)
        {
            var at = builder.Length == 0 ? 0 : random.Next(builder.Length);
            var insert = random.Next(2) == 0 ? Noise[random.Next(Noise.Length)] : IdAlphabet[random.Next(IdAlphabet.Length)];
            switch (random.Next(5))
            {
                case 0:
                    builder.Insert(at, insert);
                    break;
                case 1 when builder.Length > 0:
                    builder.Remove(at, 1);
                    break;
                case 2 when builder.Length > 0:
                    builder[at] = insert;
                    break;
                case 3 when builder.Length > 0:
                    builder.Insert(at, builder.ToString(at, Math.Min(random.Next(1, 12), builder.Length - at)));
                    break;
                case 4 when builder.Length > 0:
                    builder[at] = char.IsUpper(builder[at]) ? char.ToLowerInvariant(builder[at]) : char.ToUpperInvariant(builder[at]);
                    break;
            }
        }
        return builder.ToString();
    }

    private static string Escape(string input) =>
        "\"" + string.Concat(input.Take(200).Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:X4}" : c.ToString())) + (input.Length > 200 ? "…" : "") + "\"";
}
