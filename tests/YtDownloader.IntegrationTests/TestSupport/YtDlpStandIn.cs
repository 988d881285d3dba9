using System.Text.Json.Nodes;
using CliWrap;
using YtDownloader.Sources;

namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>
/// The real yt-dlp (Debian's), standing in only for the network: the service runs a wrapper that passes its
/// arguments on to <c>yt-dlp --load-info-json</c>, with the video's URL replaced by an info dict this class
/// writes in yt-dlp's own shape, its formats pointing at the fake origin's media. yt-dlp's own processing
/// (protocols, headers, sorting, its errors) runs as it would on what YouTube answered.
/// </summary>
public sealed class YtDlpStandIn
{
    /// <summary>A header the info gives one format's requests, as YouTube's extractor gives some.</summary>
    public const string FormatHeader = "X-Format-Header";

    private readonly string _folder = Directory.CreateTempSubdirectory("ytd-ytdlp-").FullName;

    public YtDlpStandIn()
    {
        WrapperPath = Path.Combine(_folder, "yt-dlp");
        File.WriteAllText(WrapperPath, $$"""
            #!/usr/bin/env bash
            # The service's yt-dlp: the real one, on the info recorded for the video it asks for.
            set -euo pipefail
            folder='{{_folder}}'
            args=()
            id=
            for argument in "$@"; do
              case "$argument" in
                https://www.youtube.com/watch\?v=*) id=${argument#*v=} ;;
                *) args+=("$argument") ;;
              esac
            done
            printf '%s\n' "$@" > "$folder/$id.args"
            echo $$ > "$folder/$id.pid"
            exec yt-dlp --load-info-json "$folder/$id.json" "${args[@]}"
            """.Replace("\r", ""));
        if (!OperatingSystem.IsWindows()) // a bash script: the tests run on Debian
            File.SetUnixFileMode(WrapperPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string WrapperPath { get; }

    /// <summary>
    /// yt-dlp will describe the video with every generated file as a plain HTTPS format (the protocol left for
    /// yt-dlp to work out, as its extractor does), plus an HLS format the service must leave out.
    /// </summary>
    public void Serve(string id, FakeOrigin origin, TestMedia media)
    {
        var formats = new JsonArray();
        foreach (var file in media.All)
        {
            var (container, video, audio) = MediaFormat.ParseMimeType(file.MimeType);
            formats.Add(new JsonObject
            {
                ["format_id"] = file.Itag.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["url"] = new Uri(origin.BaseUrl, $"/media/{file.Name}?source=yt-dlp&itag={file.Itag}").ToString(),
                ["ext"] = container,
                ["vcodec"] = video ?? "none",
                ["acodec"] = audio ?? "none",
                ["width"] = file.Width,
                ["height"] = file.Height,
                ["fps"] = file.Fps,
                ["filesize"] = file.Length,
                ["tbr"] = file.Bitrate / 1000.0,
                ["asr"] = audio is null ? null : 48000,
                ["http_headers"] = new JsonObject { [FormatHeader] = $"itag-{file.Itag}" },
            });
        }
        formats.Add(new JsonObject
        {
            ["format_id"] = "96",
            ["url"] = new Uri(origin.BaseUrl, "/hls/96/index.m3u8").ToString(),
            ["manifest_url"] = new Uri(origin.BaseUrl, "/hls/master.m3u8").ToString(),
            ["ext"] = "mp4",
            ["protocol"] = "m3u8_native",
            ["vcodec"] = "avc1.640028",
            ["acodec"] = "mp4a.40.2",
            ["width"] = 1920,
            ["height"] = 1080,
            ["tbr"] = 4500.0,
        });
        Write(id, formats, origin);
    }

    /// <summary>yt-dlp will find no format at all, and fail as it does then.</summary>
    public void ServeNoFormats(string id, FakeOrigin origin) => Write(id, [], origin);

    /// <summary>yt-dlp will hang reading the video's info, as it hangs on a network that never answers.</summary>
    public async Task HangOnAsync(string id) =>
        await Cli.Wrap("mkfifo").WithArguments([Path.Combine(_folder, $"{id}.json")]).ExecuteAsync();

    /// <summary>The arguments the service ran yt-dlp with for this video.</summary>
    public string[] ArgumentsFor(string id) => File.ReadAllLines(Path.Combine(_folder, $"{id}.args"));

    /// <summary>The process yt-dlp ran as for this video (the wrapper execs it, keeping its id).</summary>
    public int ProcessIdFor(string id) => int.Parse(File.ReadAllText(Path.Combine(_folder, $"{id}.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private void Write(string id, JsonArray formats, FakeOrigin origin)
    {
        var info = new JsonObject
        {
            ["id"] = id,
            ["title"] = $"yt-dlp's {id}",
            ["fulltitle"] = $"yt-dlp's {id}",
            ["channel"] = "The yt-dlp channel",
            ["channel_id"] = "UCytdlpytdlpytdlpytdlp00",
            ["uploader"] = "An uploader",
            ["duration"] = TestMedia.DurationSeconds,
            ["live_status"] = "not_live",
            ["thumbnails"] = new JsonArray(
                new JsonObject { ["url"] = new Uri(origin.BaseUrl, $"/vi/{id}/default.jpg").ToString(), ["preference"] = -10 },
                new JsonObject { ["url"] = new Uri(origin.BaseUrl, $"/vi/{id}/hqdefault.jpg").ToString(), ["preference"] = -1, ["width"] = 480, ["height"] = 360 }),
            ["formats"] = formats,
            ["webpage_url"] = $"https://www.youtube.com/watch?v={id}",
            ["original_url"] = $"https://www.youtube.com/watch?v={id}",
            ["extractor"] = "youtube",
            ["extractor_key"] = "Youtube",
            ["_type"] = "video",
        };
        File.WriteAllText(Path.Combine(_folder, $"{id}.json"), info.ToJsonString());
    }
}
