using System.Text.Json;
using System.Text.Json.Serialization;

namespace YtDownloader.Api;

/// <summary>
/// Every body the API reads or writes, described at build time: the service is compiled ahead of time to native code
/// (src/YtDownloader/YtDownloader.csproj), where JSON by reflection cannot make the code it needs. The web defaults
/// (camelCase names, numbers read from strings) are the ones the API has always used.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(UploadRequestBody))]
[JsonSerializable(typeof(UploadResponse))]
[JsonSerializable(typeof(VideoResponse))]
[JsonSerializable(typeof(PlaylistListingResponse))]
[JsonSerializable(typeof(JobResponse))]
[JsonSerializable(typeof(JobPageResponse))]
[JsonSerializable(typeof(BatchResponse))]
[JsonSerializable(typeof(SourcesResponse))]
[JsonSerializable(typeof(ServerResponse))]
internal sealed partial class ApiJson : JsonSerializerContext;
