using System.Diagnostics;
using YtDownloader.Pipeline;

namespace YtDownloader.Tests.Pipeline;

/// <summary>The capacity of a child's pipe, shown by how much it takes while the child reads nothing.</summary>
public class PipeCapacitySpecs
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_raised_pipe_takes_a_megabyte_while_its_reader_is_busy_and_a_plain_one_64_KiB(bool raised)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Pipe capacity is Linux's.");
        using var child = Process.Start(new ProcessStartInfo("sh", ["-c", "exec sleep 30"]) { RedirectStandardInput = true })!;
        try
        {
            var stdin = child.StandardInput.BaseStream;
            if (raised)
                PipeCapacity.Raise(stdin);

            var written = 0;
            var block = new byte[16 * 1024];
            using var stalled = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                while (written < PipeCapacity.Wanted)
                {
                    await stdin.WriteAsync(block, stalled.Token);
                    written += block.Length;
                }
            }
            catch (OperationCanceledException)
            {
                // The pipe is full and nobody reads it.
            }

            written.ShouldBe(raised ? PipeCapacity.Wanted : 64 * 1024);
        }
        finally
        {
            child.Kill();
        }
    }
}
