// The server's API: JSON in and out, problem+json errors turned into sentences, and the API key
// (when the server asks for one) kept for this browser tab.

const keyStorage = 'ytdownloader.apiKey';
let askForKey = async () => null;

/** Sets how the page asks the user for a key when the server answers 401. */
export function onKeyNeeded(ask) { askForKey = ask; }

export class ApiError extends Error {
  constructor(message, status, problem) {
    super(message);
    this.status = status;
    this.problem = problem;
  }
}

/** Calls the API; retries with a key from the user when the server asks for one. */
export async function api(method, path, body, signal) {
  for (;;) {
    const response = await send(method, path, body, signal);
    if (response.status === 401 && await obtainKey()) continue;
    if (!response.ok) throw await errorOf(response);
    return response.status === 204 ? null : response.json();
  }
}

/** A binary resource (an image) as an object URL, fetched with the key like any API call. */
export async function objectUrl(path, signal) {
  for (;;) {
    const response = await send('GET', path, undefined, signal);
    if (response.status === 401 && await obtainKey()) continue;
    if (!response.ok) throw await errorOf(response);
    return URL.createObjectURL(await response.blob());
  }
}

/**
 * Reads a server-sent event stream with fetch (EventSource cannot send the API key),
 * calling onEvent(type, data) for each event until the stream ends or the signal aborts.
 */
export async function readEvents(path, onEvent, signal) {
  let response;
  for (;;) {
    response = await send('GET', path, undefined, signal, 'text/event-stream');
    if (response.status === 401 && await obtainKey()) continue;
    if (!response.ok) throw await errorOf(response);
    break;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replaceAll('\r\n', '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) type = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length > 0) onEvent(type, JSON.parse(data.join('\n')));
    }
  }
}

function send(method, path, body, signal, accept = 'application/json') {
  const headers = { Accept: accept };
  const key = sessionStorage.getItem(keyStorage);
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
}

async function obtainKey() {
  const hadKey = sessionStorage.getItem(keyStorage) !== null;
  const key = await askForKey(hadKey ? 'The server did not accept that key.' : '');
  if (!key) return false;
  sessionStorage.setItem(keyStorage, key);
  return true;
}

async function errorOf(response) {
  let problem = null;
  try { problem = await response.json(); } catch { /* not JSON: the status says enough */ }
  const message = problem?.error || problem?.detail || problem?.title
    || `The server answered ${response.status} ${response.statusText}.`;
  const retryAfter = response.headers.get('Retry-After');
  return new ApiError(retryAfter ? `${message} Try again in ${retryAfter} s.` : message, response.status, problem);
}
