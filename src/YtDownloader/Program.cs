using YtDownloader;
using YtDownloader.Api;
using YtDownloader.Security;

var builder = WebApplication.CreateBuilder(args);
builder.AddYtDownloader();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseSecurity();
app.UsePage();

app.MapVideoApi();
app.MapUploadApi();
app.MapJobsApi();
app.MapSourcesApi();
app.MapFilesApi();
app.MapAuthApi();
app.MapHealthChecks("/healthz");

app.Run();

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
