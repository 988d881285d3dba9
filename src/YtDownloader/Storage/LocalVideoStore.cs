using System.Text.Json;
using Microsoft.Extensions.Options;
using YtDownloader.Urls;

namespace YtDownloader.Storage;

/// <summary>
/// The embedded default when no bucket is configured: a folder on this machine, served back by the app through
/// signed links (<see cref="SignedLinks"/>). An object is written under a temporary name and renamed only once
/// complete, so readers never see half a file.
/// </summary>
internal sealed class LocalVideoStore(IOptions<StorageOptions> options, SignedLinks links) : IVideoStore, IServedFiles
{
    public const string Bucket = "local";
    private const string MetadataSuffix = ".meta.json";

    public string Root { get; } = Path.GetFullPath(options.Value.Local.Path);

    public string KeyFor(VideoId video, string title, string quality, string extension, IReadOnlyList<string> subtitles) =>
        ObjectKeys.For(options.Value.KeyPrefix, video, title, quality, extension, subtitles);

    public string SubtitleKeyFor(VideoId video, string title, string quality, string language) =>
        ObjectKeys.Subtitle(options.Value.KeyPrefix, video, title, quality, language);

    public async Task<StoredObject> SaveAsync(
        string key, Stream content, ObjectDescription description, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var path = PathOf(key) ?? throw new StorageException($"The object key \u201c{key}\u201d is not a safe file name.");
        var partial = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            long size;
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var buffer = new byte[1 << 16];
                size = 0;
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    size += read;
                    progress?.Report(size);
                }
            }
            // The description is written beside the partial file too: a full disk must not leave half of it behind.
            await File.WriteAllTextAsync(partial + MetadataSuffix, JsonSerializer.Serialize(description, StorageJson.Default.ObjectDescription), cancellationToken);
            File.Move(partial + MetadataSuffix, path + MetadataSuffix, overwrite: true);
            File.Move(partial, path, overwrite: true);

            return Stored(key, size, description.ContentType);
        }
        catch (Exception ex)
        {
            File.Delete(partial);
            File.Delete(partial + MetadataSuffix);
            if (IsDiskFull(ex))
                throw new StorageFullException(
                    $"The local folder {Root} is full ({ex.Message}): free some space or set Storage__Local__Path to a larger disk. Nothing was left behind.", ex);
            if (ex is IOException or UnauthorizedAccessException)
                throw new StorageException($"Could not write the video to the local folder {Root}: {ex.Message}. Nothing was left behind.", ex);
            throw;
        }
    }

    public async Task<StoredObject?> FindAsync(string key, CancellationToken cancellationToken) =>
        await DescribeAsync(key, cancellationToken) is { } description
            ? Stored(key, new FileInfo(PathOf(key)!).Length, description.ContentType)
            : null;

    // Signed links that expire: made anew each time a job is read.
    public Task<ObjectLinks> LinksAsync(string key, CancellationToken cancellationToken) => Task.FromResult(Links(key));

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var probe = Path.Combine(Root, $".ready-{Guid.NewGuid():N}.partial");
        try
        {
            Directory.CreateDirectory(Root);
            await File.WriteAllBytesAsync(probe, [], cancellationToken);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"The local folder {Root} cannot be written: {ex.Message}", ex);
        }
    }

    public Task AbortUnfinishedAsync(string key, CancellationToken cancellationToken)
    {
        if (PathOf(key) is { } path && Directory.Exists(Path.GetDirectoryName(path)))
        {
            foreach (var partial in Directory.EnumerateFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + ".*.partial"))
                File.Delete(partial);
        }
        return Task.CompletedTask;
    }

    public LinkCheck Check(string key, string? expires, string? signature, bool inline) => links.Check(key, expires, signature, inline);

    public async Task<ServedFile?> FindFileAsync(string key, CancellationToken cancellationToken) =>
        await DescribeAsync(key, cancellationToken) is { } description ? new ServedFile(PathOf(key)!, description) : null;

    /// <summary>The object with its signed links, relative to wherever the service serves the store's files.</summary>
    private StoredObject Stored(string key, long size, string contentType)
    {
        var objectLinks = Links(key);
        return new StoredObject(key, Bucket, size, contentType, objectLinks.Download, objectLinks);
    }

    private ObjectLinks Links(string key) => new(Link(key, inline: true), Link(key, inline: false));

    private Uri Link(string key, bool inline) =>
        new($"{string.Join('/', key.Split('/').Select(Uri.EscapeDataString))}?{links.QueryFor(key, inline)}", UriKind.Relative);


    // ENOSPC and EDQUOT on Unix (.NET reports the errno), ERROR_DISK_FULL and ERROR_HANDLE_DISK_FULL on Windows.
    private static bool IsDiskFull(Exception ex) =>
        ex is IOException { HResult: 28 or 122 or unchecked((int)0x80070070) or unchecked((int)0x80070027) };

    /// <summary>The file behind a key, or null when the key would reach outside the store's folder or at its own files (dot files).</summary>
    private string? PathOf(string key)
    {
        if (key.Length == 0 || key.Contains('\\') || key.Split('/').Any(s => s.Length == 0 || s[0] == '.'))
            return null;
        var path = Path.GetFullPath(Path.Combine(Root, key));
        return path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? path : null;
    }

    private async Task<ObjectDescription?> DescribeAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (path is null || !File.Exists(path) || !File.Exists(path + MetadataSuffix))
            return null;
        await using var stream = File.OpenRead(path + MetadataSuffix);
        return await JsonSerializer.DeserializeAsync(stream, StorageJson.Default.ObjectDescription, cancellationToken);
    }
}
