using System.IO.Pipes;
using System.Runtime.InteropServices;

namespace YtDownloader.Pipeline;

/// <summary>
/// Linux's pipe capacity, raised from 64 KiB for the pipes that carry a whole stream to or from ffmpeg: at 64 KiB the
/// writer fills the pipe in one write and both sides wake for every 64 KiB (figure 10 of docs/benchmarks.md).
/// </summary>
internal static class PipeCapacity
{
    private const int SetPipeSize = 1031; // F_SETPIPE_SZ
    public const int Wanted = 1 << 20; // the most an unprivileged process may ask (/proc/sys/fs/pipe-max-size)

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int Fcntl(SafeHandle descriptor, int command, int argument);

    /// <summary>Asks for <see cref="Wanted"/> bytes; a pipe the system keeps smaller still works, only with more wake-ups.</summary>
    public static void Raise(Stream pipe)
    {
        if (OperatingSystem.IsLinux() && pipe is PipeStream { SafePipeHandle: var handle })
            _ = Fcntl(handle, SetPipeSize, Wanted);
    }
}
