using System.Text.Json.Serialization;

namespace YtDownloader.Storage;

/// <summary>
/// The local store's description file beside each object (<c>.meta.json</c>), described at build time for the
/// natively compiled service; the serializer's plain defaults, as the files on disk have always been written.
/// </summary>
[JsonSerializable(typeof(ObjectDescription))]
internal sealed partial class StorageJson : JsonSerializerContext;
