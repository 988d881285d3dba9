using System.Text.RegularExpressions;

namespace YtDownloader.Bench;

/// <summary>One frame of a sampled call stack, as <c>perf script</c> names it: the symbol and the file it is in.</summary>
internal sealed record PerfFrame(string Symbol, string Dso);

/// <summary>
/// One sample of <c>perf record -g</c>: the process and thread it hit (the thread's name, as the kernel keeps it:
/// 15 characters), the CPU time it stands for, and its call stack, innermost frame first.
/// </summary>
internal sealed record PerfSample(int Pid, string Thread, long PeriodNanoseconds, IReadOnlyList<PerfFrame> Frames);

/// <summary>
/// Where a sample of the server or its ffmpeg went: a table of rules, read in order. A sample of an ffmpeg child is
/// ffmpeg's; a sample on a thread the runtime keeps for one job (the tiering compiler, the GC) is that job's; else the
/// innermost frame that some rule knows decides, the rules tried in table order on each frame. Code the rules do not
/// know (the kernel's socket copies, <c>memmove</c>, the thread pool) is charged to the nearest caller that is known,
/// and only a stack with no known frame at all is "other".
/// </summary>
internal static partial class CpuStages
{
    public const string Ffmpeg = "ffmpeg";
    public const string Other = "other";

    /// <summary>Every stage, in the order the report lists them.</summary>
    public static readonly IReadOnlyList<string> All =
        ["fetch", "feed to ffmpeg", Ffmpeg, "read back", "C# mux", "upload", "hashing", "JIT", "GC", Other];

    /// <summary>Threads that do one thing whatever their stack (<c>.NET Tiered Com</c>, <c>.NET Server GC</c>, <c>.NET BGC</c>).</summary>
    private static readonly (string Stage, Regex Thread)[] ThreadRules =
    [
        ("JIT", TieredCompilationThread()),
        ("GC", GcThread()),
    ];

    /// <summary>Frame rules, tried in this order on each frame from the innermost out.</summary>
    internal static readonly (string Stage, Regex Frame)[] FrameRules =
    [
        ("JIT", JitFrame()),
        ("GC", GcFrame()),
        ("hashing", HashingFrame()),
        // The session's reader copies a chunk into the store's part buffer on behalf of our merge.
        ("C# mux", MergeFrame()),
        ("fetch", FetchFrame()),
        ("feed to ffmpeg", FeedFrame()),
        ("read back", ReadBackFrame()),
        ("upload", UploadFrame()),
    ];

    /// <summary>The stage of one sample; <paramref name="ofChild"/> when it hit one of the server's child processes (ffmpeg).</summary>
    public static string Of(PerfSample sample, bool ofChild)
    {
        if (ofChild)
            return Ffmpeg;
        foreach (var (stage, thread) in ThreadRules)
        {
            if (thread.IsMatch(sample.Thread))
                return stage;
        }
        foreach (var frame in sample.Frames)
        {
            // The library by its file name: perf gives the whole path.
            var library = Path.GetFileName(frame.Dso);
            var text = $"{frame.Symbol} ({library})";
            var managed = NativeManagedName(frame.Symbol) is { } dotted ? $"{dotted} ({library})" : null;
            foreach (var (stage, rule) in FrameRules)
            {
                if (rule.IsMatch(text) || (managed is not null && rule.IsMatch(managed)))
                    return stage;
            }
        }
        return Other;
    }

    /// <summary>
    /// A method of the natively compiled service as the JIT's map would name it, near enough for the rules: Native AOT
    /// names <c>MediaSession+&lt;ReadAsync&gt;d__30::MoveNext</c> of the assembly YtDownloader
    /// <c>YtDownloader_YtDownloader_Pipeline_MediaSession__ReadAsync_d__30__MoveNext</c>, every dot, <c>+</c>,
    /// <c>&lt;&gt;</c> and <c>::</c> an underscore, so its underscores are read as dots. Null for the runtime's own
    /// C and C++ code in the same file (<c>SVR::gc_heap::mark_phase</c>, <c>RhpGcAlloc</c>), named as it is.
    /// </summary>
    internal static string? NativeManagedName(string symbol) =>
        symbol.Contains('_') && !symbol.Contains("::", StringComparison.Ordinal) && !symbol.StartsWith("_Z", StringComparison.Ordinal)
            ? symbol.Replace('_', '.')
            : null;

    [GeneratedRegex(@"^\.NET Tiered Com")]
    private static partial Regex TieredCompilationThread();

    [GeneratedRegex(@"^\.NET (Server GC|BGC|Background GC)")]
    private static partial Regex GcThread();

    // The JIT itself, and the stubs that send a method's first calls to it.
    [GeneratedRegex(@"\(libclrjit\.so\)|ThePreStub|MethodDesc::DoPrestub|TieredCompilation|UnsafeJitFunction|CallCountingStub")]
    private static partial Regex JitFrame();

    // The collector (workstation WKS:: or server SVR:: flavour) and the allocator's slow path that waits for it.
    // Native AOT's allocator calls into the collector through RhpGcAlloc.
    [GeneratedRegex(@"\b(WKS|SVR)::|gc_heap::|GCHeap::|\bAllocateObject|\bAllocateSzArray|JIT_New|\bRhpGcAlloc\b")]
    private static partial Regex GcFrame();

    // SigV4's SHA-256 of the part, the SDK's checksums (CRC32, MD5) and its hashing wrappers. libcrypto's assembly
    // keeps no frame pointer, so its samples have no caller and an unnamed symbol: the library itself says it (the
    // service talks plain HTTP to the bench's S3 server, so no TLS is in there).
    [GeneratedRegex(@"(?i)sha256|crc32|crc64|md5|checksum|HashingWrapper|HashProvider|EVP_Digest|\(libcrypto\.so")]
    private static partial Regex HashingFrame();

    [GeneratedRegex(@"YtDownloader\.Pipeline\.Mp4\.|YtDownloader\.Pipeline\.MediaSession\+(<ReadAsync>|Reader)|YtDownloader\.Pipeline\.MediaSession::ReadAsync|YtDownloader\.Pipeline\.MediaSession\.{1,2}(ReadAsync|Reader)\b")]
    private static partial Regex MergeFrame();

    [GeneratedRegex(@"YtDownloader\.Pipeline\.(MediaSession|MediaWindow|MediaFetcher|ProviderFailover)\b")]
    private static partial Regex FetchFrame();

    [GeneratedRegex(@"YtDownloader\.Pipeline\.MuxFeedServer|Microsoft\.AspNetCore\.Server\.Kestrel")]
    private static partial Regex FeedFrame();

    [GeneratedRegex(@"YtDownloader\.Pipeline\.FfmpegOutput|System\.IO\.Pipelines\.")]
    private static partial Regex ReadBackFrame();

    // The SDK's methods; natively compiled, behind their assembly's name (AWSSDK.Core.Amazon.Runtime…).
    [GeneratedRegex(@"^Amazon\.|[ \]]Amazon\.|^AWSSDK\.(Core|S3)\.Amazon\.|YtDownloader\.Storage\.")]
    private static partial Regex UploadFrame();
}
