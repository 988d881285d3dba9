// The link check: YtDownloader.Urls, the server's own C# URL library, compiled to WebAssembly.
// It loads in the background; until it has loaded (or if it cannot), checkLink answers null and the
// page leaves the check to the server.

let exports = null;

/** Starts loading the module; resolves true when it is ready, false when it could not load. */
export const ready = load();

async function load() {
  try {
    const { dotnet } = await import('./pkg/_framework/dotnet.js');
    const runtime = await dotnet.create();
    const assemblyExports = await runtime.getAssemblyExports(runtime.getConfig().mainAssemblyName);
    exports = assemblyExports.YtDownloader.Browser.UrlCheck;
    return true;
  } catch (error) {
    console.warn('The WebAssembly link check could not load; the server checks links instead.', error);
    return false;
  }
}

/**
 * {id?, list?: {kind, id, unlistable}} for a link naming a video, a playlist or channel, or both;
 * {reason} for anything else; null while the module is not loaded.
 */
export function checkLink(text) {
  if (exports === null) return null;
  const id = exports.VideoIdOf(text) ?? undefined;
  const found = exports.ListOf(text);
  const list = found ? { kind: found[0], id: found[1], unlistable: found[2] || null } : undefined;
  if (!id && !list) return { reason: exports.LinkRejectionOf(text) };
  return { id, list };
}
