using BenchmarkDotNet.Running;
using YtDownloader.MicroBenchmarks;

BenchmarkSwitcher.FromAssembly(typeof(UrlParsingBenchmarks).Assembly).Run(args);
