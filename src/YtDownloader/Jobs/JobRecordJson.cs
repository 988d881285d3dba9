using System.Text.Json;
using System.Text.Json.Serialization;

namespace YtDownloader.Jobs;

/// <summary>
/// A job as the database keeps it (a JSON column), described at build time for the natively compiled service: web
/// names, enums by name (as they were always written; numbers are still read).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(JobSnapshot))]
internal sealed partial class JobRecordJson : JsonSerializerContext;
