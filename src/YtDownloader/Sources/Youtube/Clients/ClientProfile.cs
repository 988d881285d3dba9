using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace YtDownloader.Sources.Youtube.Clients;

/// <summary>What a client's media URLs need from a proof-of-origin token provider.</summary>
internal enum PoTokenPolicy
{
    /// <summary>Its streams play without a token.</summary>
    None,

    /// <summary>
    /// Its direct ("https", as yt-dlp calls them, as opposed to HLS) and DASH streams are refused without a GVS token
    /// as <c>pot=</c>; every stream this service downloads is one of those.
    /// </summary>
    GvsForHttps,
}

/// <summary>
/// One app whose identity InnerTube answers to, as data: YouTube changes which clients work every few weeks, and a
/// new version or a new client should need a configuration file, not a release.
/// </summary>
/// <param name="Name">How the operator names it in <c>Youtube:Clients</c>, e.g. <c>visionos</c>.</param>
/// <param name="ClientName">InnerTube's <c>context.client.clientName</c>, e.g. <c>VISIONOS</c>.</param>
/// <param name="ClientId">The numeric id sent as <c>X-YouTube-Client-Name</c>.</param>
/// <param name="Context">Further <c>context.client</c> fields (device make and model, OS…), sent as given.</param>
/// <param name="EmbedUrl">For an embedded player: the page it claims to be embedded in (<c>context.thirdParty.embedUrl</c>, also the Referer).</param>
/// <param name="NeedsPlayerJs">Its answers need the player JavaScript (signatures, <c>n</c>, the signature timestamp): it is loaded before asking.</param>
/// <param name="TransformsN">An <c>n</c> parameter is transformed whenever the player JavaScript is at hand (always, when <paramref name="NeedsPlayerJs"/>).</param>
/// <param name="SendsSignatureTimestamp">The player's <c>signatureTimestamp</c> goes with the request (ciphers are only valid with it).</param>
/// <param name="TakesCookies">The configured cookies go with its requests.</param>
/// <param name="SapisidHash">A web client: with cookies it also signs the request (<c>Authorization: SAPISIDHASH …</c>).</param>
internal sealed record ClientProfile(
    string Name,
    string ClientName,
    string ClientVersion,
    int ClientId,
    string UserAgent,
    IReadOnlyDictionary<string, JsonElement> Context,
    Uri? EmbedUrl,
    bool NeedsPlayerJs,
    bool TransformsN,
    bool SendsSignatureTimestamp,
    bool TakesCookies,
    bool SapisidHash,
    PoTokenPolicy PoToken)
{
    public bool NeedsPoToken => PoToken != PoTokenPolicy.None;

    /// <summary>"web_embedded (WEB_EMBEDDED_PLAYER 2.20260708.00.00)", for logs and answers.</summary>
    public override string ToString() => $"{Name} ({ClientName} {ClientVersion})";
}

/// <summary>
/// Every client profile the service knows: the built-in ones (<c>ClientProfiles.json</c>, shipped inside the service),
/// with the entries of the operator's file (<c>Youtube:ClientProfiles</c>) laid over them: an entry with a known name
/// replaces only the fields it gives, a new name adds a profile and must give them all.
/// </summary>
internal sealed partial class ClientProfileSet
{
    private const string BuiltInResource = "YtDownloader.Sources.Youtube.Clients.ClientProfiles.json";

    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = ProfileJson.Default,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter<PoTokenPolicy>(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
    };

    private ClientProfileSet(IReadOnlyDictionary<string, ClientProfile> profiles) => Profiles = profiles;

    public IReadOnlyDictionary<string, ClientProfile> Profiles { get; }

    public ClientProfile this[string name] => Profiles[name];

    /// <summary>The built-in profiles, overlaid with the operator's file when one is named.</summary>
    /// <exception cref="ClientProfileException">The file is missing, is not JSON, or gives a profile that is wrong.</exception>
    public static ClientProfileSet Load(string? overridesPath)
    {
        var entries = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        using (var builtIn = typeof(ClientProfileSet).Assembly.GetManifestResourceStream(BuiltInResource)
            ?? throw new InvalidOperationException($"The built-in client profiles ({BuiltInResource}) are missing from the build."))
        {
            foreach (var entry in ReadEntries(JsonNode.Parse(builtIn), "the built-in profiles"))
                entries[entry.Name] = entry.Fields;
        }

        if (!string.IsNullOrWhiteSpace(overridesPath))
        {
            var where = $"Youtube:ClientProfiles ({overridesPath})";
            JsonNode? root;
            try
            {
                root = JsonNode.Parse(File.ReadAllText(overridesPath), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            }
            catch (IOException ex)
            {
                throw new ClientProfileException($"{where} cannot be read: {ex.Message}");
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new ClientProfileException($"{where} cannot be read: {ex.Message}");
            }
            catch (JsonException ex)
            {
                throw new ClientProfileException($"{where} is not valid JSON (line {ex.LineNumber + 1}): {ex.Message}");
            }
            foreach (var (name, fields) in ReadEntries(root, where))
            {
                if (entries.TryGetValue(name, out var existing))
                {
                    foreach (var (key, value) in fields)
                        existing[key] = value?.DeepClone();
                }
                else
                {
                    entries[name] = fields;
                }
            }
        }

        return new ClientProfileSet(entries.ToDictionary(e => e.Key, e => ToProfile(e.Value, e.Key), StringComparer.Ordinal));
    }

    private static IEnumerable<(string Name, JsonObject Fields)> ReadEntries(JsonNode? root, string where)
    {
        if (root is not JsonArray array)
            throw new ClientProfileException($"{where} must be a JSON array of profiles, e.g. [{{\"name\": \"visionos\", \"clientVersion\": \"1.03\"}}].");
        var index = 0;
        foreach (var item in array)
        {
            if (item is not JsonObject fields)
                throw new ClientProfileException($"{where}: entry {index} is not a JSON object.");
            if (fields["name"] is not JsonValue nameValue || !nameValue.TryGetValue<string>(out var name) || string.IsNullOrWhiteSpace(name))
                throw new ClientProfileException($"{where}: entry {index} has no \"name\".");
            yield return (name, (JsonObject)fields.DeepClone());
            index++;
        }
    }

    private static ClientProfile ToProfile(JsonObject fields, string name)
    {
        ProfileFields? parsed;
        try
        {
            parsed = fields.Deserialize((JsonTypeInfo<ProfileFields>)Strict.GetTypeInfo(typeof(ProfileFields)));
        }
        catch (JsonException ex)
        {
            throw new ClientProfileException($"Client profile \"{name}\" is wrong: {ex.Message}");
        }
        if (parsed is null)
            throw new ClientProfileException($"Client profile \"{name}\" is empty.");

        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(parsed.ClientName)) missing.Add("clientName");
        if (string.IsNullOrWhiteSpace(parsed.ClientVersion)) missing.Add("clientVersion");
        if (parsed.ClientId is null) missing.Add("clientId");
        if (string.IsNullOrWhiteSpace(parsed.UserAgent)) missing.Add("userAgent");
        if (parsed.NeedsPlayerJs is null) missing.Add("needsPlayerJs");
        if (parsed.TakesCookies is null) missing.Add("takesCookies");
        if (parsed.PoToken is null) missing.Add("poToken");
        if (missing.Count > 0)
            throw new ClientProfileException($"Client profile \"{name}\" is missing {string.Join(", ", missing)} (a new profile must give every field; see the built-in ones in the README).");
        if (parsed.ClientId <= 0)
            throw new ClientProfileException($"Client profile \"{name}\": clientId must be a positive number (InnerTube's numeric client id).");
        Uri? embedUrl = null;
        if (parsed.EmbedUrl is not null
            && (!Uri.TryCreate(parsed.EmbedUrl, UriKind.Absolute, out embedUrl) || embedUrl.Scheme is not ("http" or "https")))
            throw new ClientProfileException($"Client profile \"{name}\": embedUrl must be an absolute http(s) URL of the page the player claims to be embedded in.");
        if (parsed.SapisidHash == true && parsed.TakesCookies == false)
            throw new ClientProfileException($"Client profile \"{name}\": sapisidHash signs requests with the cookies, so it needs takesCookies.");

        return new ClientProfile(
            name, parsed.ClientName!, parsed.ClientVersion!, parsed.ClientId!.Value, parsed.UserAgent!,
            parsed.Context ?? new Dictionary<string, JsonElement>(), embedUrl,
            parsed.NeedsPlayerJs!.Value, parsed.TransformsN ?? parsed.NeedsPlayerJs!.Value, parsed.SendsSignatureTimestamp ?? false,
            parsed.TakesCookies!.Value, parsed.SapisidHash ?? false, parsed.PoToken!.Value);
    }

    /// <summary>The JSON shape of one entry; every field optional here, so that an override may give only a few.</summary>
    private sealed record ProfileFields(
        string? Name,
        string? ClientName,
        string? ClientVersion,
        int? ClientId,
        string? UserAgent,
        Dictionary<string, JsonElement>? Context,
        string? EmbedUrl,
        bool? NeedsPlayerJs,
        bool? TransformsN,
        bool? SendsSignatureTimestamp,
        bool? TakesCookies,
        bool? SapisidHash,
        PoTokenPolicy? PoToken);

    /// <summary>A profile's fields, described at build time for the natively compiled service; <see cref="Strict"/> says how they are read.</summary>
    [JsonSerializable(typeof(ProfileFields))]
    private sealed partial class ProfileJson : JsonSerializerContext;
}
