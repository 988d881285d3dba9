using YtDownloader.Sources;

namespace YtDownloader.Tests.Sources;

public sealed class SourceFailureMessageSpecs
{
    [Theory]
    [InlineData("YouTube could not be reached (Name or service not known (www.youtube.com:443)).",
        "No YouTube client could provide this video. Clients tried: visionos: YouTube could not be reached (Name or service not known (www.youtube.com:443)).")]
    [InlineData("offered no downloadable stream",
        "No YouTube client could provide this video. Clients tried: visionos: offered no downloadable stream.")]
    public void The_clients_tried_end_in_one_full_stop(string said, string expected)
    {
        var failure = new AllClientsFailedException([("visionos", new SourceFailedException(said))]);

        failure.Message.ShouldBe(expected);
    }

    [Fact]
    public void Every_source_and_client_is_named_in_what_the_user_reads()
    {
        var youtube = new AllClientsFailedException([
            ("visionos", new SourceFailedException("YouTube could not be reached (timeout).")),
            ("tv", new SourceFailedException("YouTube's TVHTML5 client offered no downloadable stream.")),
        ]);

        var failure = new AllSourcesFailedException([("YouTube", youtube), ("Invidious", new SourceFailedException("Invidious answered 502."))]);

        failure.Message.ShouldBe(
            "No source could provide this video. Tried: YouTube: Clients tried: visionos: YouTube could not be reached (timeout).; "
            + "tv: YouTube's TVHTML5 client offered no downloadable stream. Invidious: Invidious answered 502.");
    }
}
