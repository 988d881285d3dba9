using Microsoft.Extensions.Configuration;
using YtDownloader.Storage;

namespace YtDownloader.Tests.Storage;

public sealed class StorageOptionsSpecs
{
    [Theory]
    [InlineData(null, null, "youtube/")]
    [InlineData("videos/", null, "videos/")]
    [InlineData(null, "old-name/", "old-name/")]
    [InlineData("videos/", "old-name/", "videos/")]
    [InlineData("", null, "")]
    public void The_key_prefix_is_Storage_Prefix_else_its_old_name_Storage_S3_Prefix_else_youtube(string? prefix, string? oldPrefix, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Prefix"] = prefix,
            ["Storage:S3:Prefix"] = oldPrefix,
        }.Where(s => s.Value is not null)).Build();

        var options = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();

        options.KeyPrefix.ShouldBe(expected);
    }
}
