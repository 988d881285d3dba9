namespace YtDownloader.Bench;

/// <summary>What bench/run.sh passes: sizes, where the server and the S3 server are, where to write.</summary>
internal sealed record BenchSettings(
    string Size,
    long MainBytes,
    long SmallBytes,
    long ConcurrentJobBytes,
    TimeSpan LoadDuration,
    string ServerDll,
    string S3ServiceUrl,
    string? RadosgwConf,
    string? MicroResults,
    string? Output,
    string WorkFolder,
    IReadOnlySet<int> Only,
    IReadOnlyDictionary<string, string> ExtraServerEnvironment)
{
    /// <summary>
    /// Whether this figure is measured in this run: all by default, or those given with --only (1 also gives 2 and 3).
    /// Figure 10 (the perf profile) only when asked: it needs perf and root, and it slows the jobs it watches.
    /// </summary>
    public bool Wants(int figure) => figure == ProfileFigure ? Only.Contains(figure) : Only.Count == 0 || Only.Contains(figure is 2 or 3 ? 1 : figure);

    /// <summary>CPU by stage, from a perf record of the measured job.</summary>
    public const int ProfileFigure = 10;

    /// <summary>Regime (ii): a distant CDN's pace for one connection.</summary>
    public const long ThrottledBytesPerSecond = 20_000_000;

    public string Bucket { get; } = $"ytd-bench-{Guid.NewGuid():N}"[..24];

    /// <summary>Job sizes of figure 9 (peak memory per job size), smallest first.</summary>
    public IReadOnlyList<long> MemoryJobBytes => new[] { SmallBytes, ConcurrentJobBytes, MainBytes }.Distinct().Order().ToList();

    /// <summary>
    /// The service's settings, as a user would set them for this S3 server, then those given with --server-env
    /// (e.g. <c>DOTNET_GCgen0size=...</c>, to measure a runtime setting); everything else is default.
    /// </summary>
    public IReadOnlyDictionary<string, string?> ServerEnvironment
    {
        get
        {
            var environment = new Dictionary<string, string?>
            {
                // The log keeps what explains a figure (retries, failures), not a line per request.
                ["Logging__LogLevel__Default"] = "Warning",
                ["Storage__S3__Bucket"] = Bucket,
                ["Storage__S3__ServiceUrl"] = S3ServiceUrl,
                ["Storage__S3__ForcePathStyle"] = "true",
                // A throughput bench sends more requests from one address than the shipped per-client limits allow.
                ["Limits__MetadataRequests"] = "1000000",
                ["Limits__JobRequests"] = "1000000",
                ["Jobs__DatabasePath"] = Path.Combine(Path.GetTempPath(), $"{Bucket}-jobs.db"),
            };
            foreach (var (name, value) in ExtraServerEnvironment)
                environment[name] = value;
            return environment;
        }
    }

    public static BenchSettings Parse(string[] args)
    {
        string Option(string name, string? fallback = null)
        {
            var at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1]
                : fallback ?? throw new ArgumentException($"{name} is required (bench/run.sh passes it).");
        }

        var size = Option("--size", "1g");
        var (main, small, concurrent, load) = size switch
        {
            "1g" => (1_000_000_000L, 100_000_000L, 300_000_000L, TimeSpan.FromSeconds(10)),
            "300m" => (300_000_000L, 100_000_000L, 100_000_000L, TimeSpan.FromSeconds(10)),
            "quick" => (100_000_000L, 30_000_000L, 30_000_000L, TimeSpan.FromSeconds(5)),
            _ => throw new ArgumentException($"Unknown --size {size}: use 1g, 300m or quick."),
        };
        var work = Directory.CreateTempSubdirectory("ytd-bench-").FullName;
        return new BenchSettings(size, main, small, concurrent, load,
            Path.GetFullPath(Option("--server")), Option("--s3", "http://127.0.0.1:7490"),
            args.Contains("--radosgw-conf") ? Option("--radosgw-conf") : null,
            args.Contains("--micro") ? Option("--micro") : null,
            args.Contains("--out") ? Path.GetFullPath(Option("--out")) : null,
            work,
            args.Contains("--only") ? Option("--only").Split(',').Select(int.Parse).ToHashSet() : new HashSet<int>(),
            args.Select((arg, at) => (arg, at)).Where(a => a.arg == "--server-env" && a.at + 1 < args.Length)
                .Select(a => args[a.at + 1].Split('=', 2)).ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : ""));
    }
}
