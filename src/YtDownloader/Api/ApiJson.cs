using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Serialization;
using YtDownloader.Sources;

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
[JsonSerializable(typeof(SseItem<JobResponse>))]
[JsonSerializable(typeof(JobPageResponse))]
[JsonSerializable(typeof(BatchResponse))]
[JsonSerializable(typeof(SourcesResponse))]
[JsonSerializable(typeof(ServerResponse))]
// The values of YtDownloaderException.Details, written into problem answers by their own type.
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(TriedSource[]))]
internal sealed partial class ApiJson : JsonSerializerContext;
