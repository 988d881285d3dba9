using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using YtDownloader.Sources.Youtube.PoTokens;

namespace YtDownloader.Sources.Youtube;

/// <summary>
/// The bodies this service sends to YouTube and to a PO token provider, described at build time for the natively
/// compiled service. InnerTube's bodies are built as JSON nodes, so they go out exactly as built.
/// </summary>
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(PoTokenRequest))]
internal sealed partial class YoutubeJson : JsonSerializerContext;
