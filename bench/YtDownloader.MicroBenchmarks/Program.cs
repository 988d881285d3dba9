using BenchmarkDotNet.Running;
using YtDownloader.MicroBenchmarks;

// `player`: the player JavaScript figures (memory held per loaded version is not something BenchmarkDotNet measures).
if (args is ["player"])
{
    PlayerScriptFigures.Print(Console.Out);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(UrlParsingBenchmarks).Assembly).Run(args);
