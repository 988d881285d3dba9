// The server's API: one request helper (the API key and the 401 retry live only here), JSON in and out, and
// problem+json errors kept whole (title and detail) so the page can say what is wrong.

const keyName = 'ytdownloader.apiKey';
let askForKey = async () => null;
// Requests that meet a 401 at once share one question to the user, not one dialog each.
let pendingKey = null;

/**
 * Sets how the page asks the user for a key when the server answers 401: ask(problem) resolves
 * {key, remember} or null when the user declines.
 */
export function onKeyNeeded(ask) { askForKey = ask; }

export class ApiError extends Error {
  constructor(title, message, status, problem) {
    super(message);
    this.title = title;
    this.status = status;
    this.problem = problem;
  }

  /** The server wants a key and the user gave none. */
  get keyNeeded() { return this.status === 401; }
}

/** A successful response to method + path; a 401 asks for a key and tries again, any other failure throws ApiError. */
export async function request(method, path, { body, signal, accept = 'application/json' } = {}) {
  for (;;) {
    const response = await send(method, path, body, signal, accept);
    if (response.status === 401 && await obtainKey()) continue;
    if (!response.ok) throw await errorOf(response);
    return response;
  }
}

/** Calls the API with a JSON body (or none) and answers the JSON it sends back (null for 204). */
export async function api(method, path, body, signal) {
  const response = await request(method, path, { body, signal });
  return response.status === 204 ? null : response.json();
}

/** A binary resource (an image) as an object URL, fetched with the key like any API call. */
export async function objectUrl(path, signal) {
  const response = await request('GET', path, { signal, accept: 'image/*' });
  return URL.createObjectURL(await response.blob());
}

/**
 * Reads a server-sent event stream with fetch (EventSource cannot send the API key),
 * calling onEvent(type, data) for each event until the stream ends or the signal aborts.
 */
export async function readEvents(path, onEvent, signal) {
  const response = await request('GET', path, { signal, accept: 'text/event-stream' });
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

// A key the user asked to remember lives in localStorage (every tab, after a restart); otherwise in this tab only.
function storedKey() { return sessionStorage.getItem(keyName) ?? localStorage.getItem(keyName); }

function storeKey(key, remember) {
  (remember ? localStorage : sessionStorage).setItem(keyName, key);
  (remember ? sessionStorage : localStorage).removeItem(keyName);
}

function send(method, path, body, signal, accept) {
  const headers = { Accept: accept };
  const key = storedKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
}

function obtainKey() {
  pendingKey ??= (async () => {
    try {
      const answer = await askForKey(storedKey() !== null ? 'The server did not accept that key.' : '');
      if (!answer?.key) return false;
      storeKey(answer.key, answer.remember);
      return true;
    } finally {
      pendingKey = null;
    }
  })();
  return pendingKey;
}

async function errorOf(response) {
  let problem = null;
  try { problem = await response.json(); } catch { /* not JSON: the status says enough */ }
  // The detail is written for the user as one whole sentence (a 429's already says when to try again).
  const message = problem?.detail || problem?.error || problem?.title
    || `The server answered ${response.status} ${response.statusText}.`;
  const title = problem?.title || (response.status === 401 ? 'API key needed' : `Error ${response.status}`);
  return new ApiError(title, message, response.status, problem);
}
