namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>Peak resident memory (VmRSS) of a process and, separately, of its children, from <c>/proc</c>.</summary>
public sealed class RssSampler : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RssSampler(int pid)
    {
        _pid = pid;
        _loop = Task.Run(LoopAsync);
    }

    public long PeakBytes { get; private set; }
    public long PeakChildBytes { get; private set; }

    /// <summary>Every child process seen while sampling (ffmpeg), for a profile to tell the server's children from other processes.</summary>
    public IReadOnlySet<int> ChildIds => _childIds;

    private readonly HashSet<int> _childIds = [];

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        do
        {
            PeakBytes = Math.Max(PeakBytes, RssOf(_pid) ?? 0);
            var children = ChildrenOf(_pid).ToList();
            _childIds.UnionWith(children);
            PeakChildBytes = Math.Max(PeakChildBytes, children.Sum(c => RssOf(c) ?? 0));
        }
        while (await Ticked(timer));
    }

    private async Task<bool> Ticked(PeriodicTimer timer)
    {
        try { return await timer.WaitForNextTickAsync(_stop.Token); }
        catch (OperationCanceledException) { return false; }
    }

    private static long? RssOf(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException) { return null; } // the process ended between listing and reading
        catch (UnauthorizedAccessException) { return null; }
    }

    private static IEnumerable<int> ChildrenOf(int pid)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var candidate))
                continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; }
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[1] == pid.ToString(System.Globalization.CultureInfo.InvariantCulture))
                yield return candidate;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
            return;
        await _stop.CancelAsync();
        await _loop;
    }
}
