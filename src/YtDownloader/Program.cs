using YtDownloader;
using YtDownloader.Api;
using YtDownloader.Operations;
using YtDownloader.Security;

return StartupFailure.RunOrExplain(() =>
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddYtDownloader();

    var app = builder.Build();
    app.ValidateConfiguration();
    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.UseSecurity();
    app.UsePage();

    app.MapVideoApi();
    app.MapPlaylistApi();
    app.MapUploadApi();
    app.MapJobsApi();
    app.MapSourcesApi();
    app.MapFilesApi();
    app.MapAuthApi();
    app.MapServerApi();
    app.MapOpenApiDocumentation();
    app.MapReadinessChecks();
    app.MapMetricsExport();

    app.Run();
});

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
