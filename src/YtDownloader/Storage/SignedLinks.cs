using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace YtDownloader.Storage;

/// <summary>
/// Links to the local store's files that prove themselves: an HMAC-SHA256, under a server secret, over the key and
/// the moment the link expires, and whether the browser is to show the file (<c>inline=1</c>) rather than save it.
/// The secret comes from configuration, or is made once and kept beside the files.
/// </summary>
internal sealed class SignedLinks
{
    public const string ExpiresParameter = "expires";
    public const string SignatureParameter = "signature";
    public const string InlineParameter = "inline";
    private const string SecretFileName = ".link-secret";

    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;
    private readonly Lazy<byte[]> _secret;

    public SignedLinks(IOptions<StorageOptions> options, TimeProvider time)
    {
        var local = options.Value.Local;
        _time = time;
        _lifetime = local.LinkLifetime;
        // Made on first use: an instance storing into S3 never writes a secret into a local folder it does not use.
        _secret = new(() => string.IsNullOrWhiteSpace(local.LinkSecret)
            ? KeptSecret(Path.GetFullPath(local.Path))
            : Encoding.UTF8.GetBytes(local.LinkSecret.Trim()));
    }

    /// <summary>
    /// The query that makes a link to this key valid until the lifetime has passed: to show the file in the browser
    /// when <paramref name="inline"/>, else to save it (links made before inline ones existed mean that too).
    /// </summary>
    public string QueryFor(string key, bool inline)
    {
        var expires = _time.GetUtcNow().Add(_lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var query = $"{ExpiresParameter}={expires}&{SignatureParameter}={Signature(key, expires, inline)}";
        return inline ? $"{query}&{InlineParameter}=1" : query;
    }

    /// <summary>Whether the link is genuine and in time; <paramref name="inline"/> is signed too, so it cannot be added or removed.</summary>
    public LinkCheck Check(string key, string? expires, string? signature, bool inline)
    {
        if (expires is null || signature is null
            || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt)
            || !Base64Url.IsValid(signature)
            || !CryptographicOperations.FixedTimeEquals(Base64Url.DecodeFromChars(signature), Hmac(key, expires, inline)))
            return LinkCheck.Invalid;
        return expiresAt < _time.GetUtcNow().ToUnixTimeSeconds() ? LinkCheck.Expired : LinkCheck.Valid;
    }

    private string Signature(string key, string expires, bool inline) => Base64Url.EncodeToString(Hmac(key, expires, inline));

    private byte[] Hmac(string key, string expires, bool inline) =>
        HMACSHA256.HashData(_secret.Value, Encoding.UTF8.GetBytes(inline ? $"{key}\n{expires}\n{InlineParameter}" : $"{key}\n{expires}"));

    /// <summary>The secret in the store's folder, made there with owner-only access the first time.</summary>
    private static byte[] KeptSecret(string folder)
    {
        var path = Path.Combine(folder, SecretFileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(folder);
            // Written whole under another name, then linked in place: a second process never reads half a secret.
            var written = $"{path}.{Guid.NewGuid():N}.tmp";
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var writer = new StreamWriter(written, Encoding.ASCII, options))
                writer.Write(Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));
            try
            {
                File.Move(written, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process kept its secret first: that one stays.
                File.Delete(written);
            }
        }
        return Encoding.UTF8.GetBytes(File.ReadAllText(path).Trim());
    }
}
