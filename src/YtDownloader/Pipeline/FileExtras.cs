using YtDownloader.Sources;

namespace YtDownloader.Pipeline;

/// <summary>What goes into a stored file beside its streams: the tags, the cover art, and the subtitle tracks.</summary>
/// <param name="Cover">A JPEG or PNG (the only pictures MP4 takes as cover art); null for none.</param>
public sealed record FileExtras(FileTags Tags, ThumbnailImage? Cover, IReadOnlyList<SubtitleFile> Subtitles);

/// <summary>One subtitle track's WebVTT text and its language as YouTube names it.</summary>
public sealed record SubtitleFile(string Language, string Vtt);
