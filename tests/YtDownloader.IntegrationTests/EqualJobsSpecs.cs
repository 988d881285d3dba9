using System.Net;
using System.Net.Http.Json;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>
/// Which requests are the same job: those that would write the same object (same video, quality and file name,
/// the title reduced to letters, digits and dashes), since two jobs can never write one object at once.
/// </summary>
public sealed class EqualJobsSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Titles_that_make_the_same_file_name_join_one_job_which_keeps_the_first_title_and_another_name_is_another_job()
    {
        var video = $"same{Guid.NewGuid():N}"[..11];
        fixture.Origin.Youtube[video] = YoutubeBehaviour.Playable;
        // Slow enough that every request arrives while the first job still runs.
        fixture.Origin.BytesPerSecondPerConnection = 20_000;
        using var http = fixture.CreateClient();
        try
        {
            var jobs = new List<(HttpStatusCode Status, string Id, string Title)>();
            foreach (var title in (string[])["Same X/Title", "Same X Title", "Same..X..Title!!", "Same X Title Two"])
            {
                using var response = await http.PostAsJsonAsync("/api/jobs", new { url = video, quality = "360p", title });
                var job = await ApiClient.ReadJsonAsync(response);
                jobs.Add((response.StatusCode, job.Text("id"), job.Text("title")));
            }

            jobs.ShouldAllBe(j => j.Status == HttpStatusCode.Accepted);
            jobs.Take(3).Select(j => j.Id).Distinct().ShouldHaveSingleItem();
            jobs.Take(3).ShouldAllBe(j => j.Title == "Same X/Title");
            jobs[3].Id.ShouldNotBe(jobs[0].Id);
            jobs[3].Title.ShouldBe("Same X Title Two");
            var listed = (await http.ListJobsAsync()).Where(j => j.Text("videoId") == video).ToList();
            listed.Count.ShouldBe(2);

            fixture.Origin.BytesPerSecondPerConnection = null;
            var first = await http.WaitForEndAsync(jobs[0].Id);
            var second = await http.WaitForEndAsync(jobs[3].Id);
            first.GetProperty("result").Text("key").ShouldBe($"youtube/{video}/Same-X-Title_640x360.mp4");
            second.GetProperty("result").Text("key").ShouldBe($"youtube/{video}/Same-X-Title-Two_640x360.mp4");
            (await fixture.S3.ListObjectsAsync()).Count(o => o.Key.Contains(video, StringComparison.Ordinal)).ShouldBe(2);
        }
        finally
        {
            fixture.Origin.BytesPerSecondPerConnection = null;
        }
    }
}
