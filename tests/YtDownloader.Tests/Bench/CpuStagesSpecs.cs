using YtDownloader.Bench;

namespace YtDownloader.Tests.Bench;

public class CpuStagesSpecs
{
    private const string Kernel = "[kernel.kallsyms]";
    private const string PerfMap = "/tmp/perf-4242.map";
    private const string CoreClr = "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.0/libcoreclr.so";
    private const string Native = "/tmp/ytd-bench-run.Ab12Cd/server/YtDownloader";

    /// <summary>A stack as perf prints it, innermost frame first: each entry "symbol|dso".</summary>
    public static TheoryData<string, string, string[]> Stacks => new()
    {
        // The kernel's copy out of a socket, charged to the session's fetch that asked for it.
        { ".NET TP Worker", "fetch", [$"copy_user_generic|{Kernel}", $"tcp_recvmsg|{Kernel}", "SystemNative_Receive|libSystem.Native.so",
            $"instance int32 [System.Net.Http] System.Net.Http.HttpConnection+ContentLengthReadStream::ReadAsync(...)[OptimizedTier1]|{PerfMap}",
            $"instance void [YtDownloader] YtDownloader.Pipeline.MediaSession+<FetchOnceAsync>d__42::MoveNext()[OptimizedTier1]|{PerfMap}"] },
        // Our merge's copy of a chunk into the part buffer is the merge's, not the fetch's, though the session does it.
        { ".NET TP Worker", "C# mux", [$"__memmove_avx_unaligned_erms|libc.so.6",
            $"instance void [YtDownloader] YtDownloader.Pipeline.MediaSession+<ReadAsync>d__30::MoveNext()[OptimizedTier1]|{PerfMap}",
            $"instance void [YtDownloader] YtDownloader.Pipeline.Mp4.MergedMp4Stream+<ReadAsync>d__20::MoveNext()[OptimizedTier1]|{PerfMap}",
            $"instance void [YtDownloader] YtDownloader.Storage.S3VideoStore+<UploadPartsAsync>d__19::MoveNext()[OptimizedTier1]|{PerfMap}"] },
        // SHA-256 in libcrypto under the SDK's signer: hashing, though the upload called it.
        { ".NET TP Worker", "hashing", ["sha256_block_data_order_avx2|libcrypto.so.3", "EVP_DigestUpdate|libcrypto.so.3",
            $"instance uint8[] [AWSSDK.Core] Amazon.Runtime.Internal.Util.CryptoUtilFactory+CryptoUtil::ComputeSHA256Hash(...)[OptimizedTier1]|{PerfMap}"] },
        // libcrypto's assembly keeps no frame pointer: an unnamed symbol with no caller, known by its library.
        { ".NET TP Worker", "hashing", ["[unknown]|/usr/lib/x86_64-linux-gnu/libcrypto.so.3"] },
        { ".NET TP Worker", "upload", [$"tcp_sendmsg|{Kernel}", "SystemNative_Send|libSystem.Native.so",
            $"instance void [System.Net.Http] System.Net.Http.HttpConnection+<SendAsync>d__1::MoveNext()[OptimizedTier1]|{PerfMap}",
            $"instance void [AWSSDK.Core] Amazon.Runtime.Internal.HttpHandler`1+<InvokeAsync>d__9::MoveNext()[OptimizedTier1]|{PerfMap}"] },
        { ".NET TP Worker", "feed to ffmpeg", [$"tcp_sendmsg|{Kernel}",
            $"instance void [Microsoft.AspNetCore.Server.Kestrel.Core] Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http.Http1OutputProducer::WriteDataToPipeAsync(...)[OptimizedTier1]|{PerfMap}",
            $"instance void [YtDownloader] YtDownloader.Pipeline.MediaSession+<CopyToAsync>d__27::MoveNext()[OptimizedTier1]|{PerfMap}"] },
        { ".NET TP Worker", "read back", [$"pipe_read|{Kernel}",
            $"instance void [YtDownloader] YtDownloader.Pipeline.FfmpegOutput+<ReadAsync>d__12::MoveNext()[OptimizedTier1]|{PerfMap}",
            $"instance void [YtDownloader] YtDownloader.Storage.S3VideoStore+<UploadPartsAsync>d__19::MoveNext()[OptimizedTier1]|{PerfMap}"] },
        // The tiering compiler's thread is the JIT's whatever it runs; so is a method's first call through the prestub.
        { ".NET Tiered Com", "JIT", [$"memset|libc.so.6", $"CallCountingManager::CompleteCallCounting|{CoreClr}"] },
        { ".NET TP Worker", "JIT", ["[unknown]|/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.0/libclrjit.so", $"ThePreStub|{CoreClr}",
            $"instance void [YtDownloader] YtDownloader.Pipeline.MediaSession+<FetchOnceAsync>d__42::MoveNext()[Tier0]|{PerfMap}"] },
        { ".NET Server GC", "GC", [$"SVR::gc_heap::mark_object_simple|{CoreClr}"] },
        // An allocation that waits for the collector is the GC's, though the fetch allocated.
        { ".NET TP Worker", "GC", [$"WKS::gc_heap::allocate_more_space|{CoreClr}", $"AllocateSzArray|{CoreClr}",
            $"instance void [YtDownloader] YtDownloader.Pipeline.MediaSession+<FetchOnceAsync>d__42::MoveNext()[OptimizedTier1]|{PerfMap}"] },
        // The socket engine's thread completes reads and writes for every connection: no frame says whose.
        { ".NET SocketEng", "other", [$"do_epoll_wait|{Kernel}", "SystemNative_WaitForSocketEvents|libSystem.Native.so", "[unknown]|[unknown]"] },
        { "dotnet", "other", [] },
        // The natively compiled service: the same stages under Native AOT's names, all in the one executable.
        { ".NET TP Worker", "fetch", [$"copy_user_generic|{Kernel}", $"SystemNative_Receive|{Native}",
            $"System_Net_Http_System_Net_Http_HttpConnection_ContentLengthReadStream__ReadAsync|{Native}",
            $"YtDownloader_YtDownloader_Pipeline_MediaSession__FetchOnceAsync_d__42__MoveNext|{Native}"] },
        { ".NET TP Worker", "C# mux", [$"__memmove_avx_unaligned_erms|libc.so.6",
            $"YtDownloader_YtDownloader_Pipeline_MediaSession__ReadAsync_d__30__MoveNext|{Native}",
            $"YtDownloader_YtDownloader_Pipeline_Mp4_MergedMp4Stream__ReadAsync_d__20__MoveNext|{Native}"] },
        { ".NET TP Worker", "upload", [$"tcp_sendmsg|{Kernel}",
            $"System_Net_Http_System_Net_Http_HttpConnection__SendAsync_d__1__MoveNext|{Native}",
            $"AWSSDK_Core_Amazon_Runtime_Internal_HttpHandler_1__InvokeAsync_d__9_1__MoveNext|{Native}"] },
        { ".NET TP Worker", "feed to ffmpeg", [$"tcp_sendmsg|{Kernel}",
            $"Microsoft_AspNetCore_Server_Kestrel_Core_Microsoft_AspNetCore_Server_Kestrel_Core_Internal_Http_Http1OutputProducer__WriteDataToPipeAsync|{Native}"] },
        { ".NET TP Worker", "read back", [$"pipe_read|{Kernel}",
            $"YtDownloader_YtDownloader_Pipeline_FfmpegOutput__ReadAsync_d__12__MoveNext|{Native}"] },
        // The runtime's own C++ in the same file keeps its C++ name: the collector, and the allocator's call into it.
        { ".NET TP Worker", "GC", [$"SVR::gc_heap::allocate_more_space(alloc_context*, unsigned long, unsigned int, int)|{Native}",
            $"RhpGcAlloc|{Native}", $"YtDownloader_YtDownloader_Pipeline_MediaSession__FetchOnceAsync_d__42__MoveNext|{Native}"] },
    };

    [Theory]
    [MemberData(nameof(Stacks))]
    public void A_sample_goes_to_the_stage_of_the_innermost_frame_a_rule_knows(string thread, string stage, string[] frames)
    {
        var sample = new PerfSample(4242, thread, 1_001_001, [.. frames.Select(f => f.Split('|')).Select(f => new PerfFrame(f[0], f[1]))]);

        CpuStages.Of(sample, ofChild: false).ShouldBe(stage);
    }

    [Fact]
    public void A_sample_of_a_child_process_is_ffmpegs_whatever_its_stack()
    {
        var sample = new PerfSample(4300, "ffmpeg", 1_001_001, [new PerfFrame("sha256_block_data_order_avx2", "libcrypto.so.3")]);

        CpuStages.Of(sample, ofChild: true).ShouldBe(CpuStages.Ffmpeg);
    }

    [Fact]
    public void Every_stage_a_rule_gives_is_one_the_report_lists()
    {
        CpuStages.FrameRules.Select(r => r.Stage).Distinct().ShouldBeSubsetOf(CpuStages.All);
    }

    [Fact]
    public void Perf_scripts_output_reads_as_samples_with_their_thread_period_and_frames_innermost_first()
    {
        const string output = """
            .NET TP Worker  4242/4250    1001001 
            	ffffffff8225f8ab copy_user_generic ([kernel.kallsyms])
            	    7f0e1c2b3a4d instance void [YtDownloader] YtDownloader.Pipeline.MediaSession+<FetchOnceAsync>d__42::MoveNext()[OptimizedTier1] (/tmp/perf-4242.map)

            ffmpeg 4300/4300    2002002 
            	           22529 strcmp (/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2)
            	  30322e6f732e74 [unknown] ([unknown])

            """;

        var samples = PerfScript.Parse(new StringReader(output)).ToList();

        samples.Count.ShouldBe(2);
        samples[0].ShouldSatisfyAllConditions(
            s => s.Pid.ShouldBe(4242), s => s.Thread.ShouldBe(".NET TP Worker"), s => s.PeriodNanoseconds.ShouldBe(1_001_001),
            s => s.Frames.Select(f => f.Dso).ShouldBe(["[kernel.kallsyms]", "/tmp/perf-4242.map"]),
            s => s.Frames[1].Symbol.ShouldBe("instance void [YtDownloader] YtDownloader.Pipeline.MediaSession+<FetchOnceAsync>d__42::MoveNext()[OptimizedTier1]"));
        samples[1].ShouldSatisfyAllConditions(
            s => s.Pid.ShouldBe(4300), s => s.Thread.ShouldBe("ffmpeg"), s => s.Frames[0].Symbol.ShouldBe("strcmp"));
    }

    [Fact]
    public void A_profile_counts_the_server_and_its_children_by_stage_in_seconds_and_leaves_other_processes_out()
    {
        PerfSample[] samples =
        [
            new(4242, ".NET Tiered Com", 500_000_000, []),
            new(4242, ".NET Server GC", 250_000_000, []),
            new(4300, "ffmpeg", 1_000_000_000, []),
            new(4242, ".NET SocketEng", 100_000_000, [new PerfFrame("do_epoll_wait", Kernel)]),
            new(9999, "radosgw", 7_000_000_000, []),
        ];

        var profile = CpuProfile.Of(samples, serverPid: 4242, childPids: new HashSet<int> { 4300 });

        profile.SecondsByStage["JIT"].ShouldBe(0.5);
        profile.SecondsByStage["GC"].ShouldBe(0.25);
        profile.SecondsByStage[CpuStages.Ffmpeg].ShouldBe(1.0);
        profile.SecondsByStage[CpuStages.Other].ShouldBe(0.1);
        profile.TotalSeconds.ShouldBe(1.85, tolerance: 1e-9);
        profile.TopByStage[CpuStages.Other].ShouldBe([("do_epoll_wait ([kernel.kallsyms])", 0.1)]);
    }
}
