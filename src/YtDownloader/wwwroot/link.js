// The link: checked in the browser as the user types (by the server's own URL library, compiled to WebAssembly),
// then looked up on the server as a video or as a playlist or channel.

import { api } from './api.js';
import { checkLink, ready as checkerReady } from './url-check.js';
import { hideDetails, renderDetails, shownVideoId } from './details.js';
import { hidePlaylist, renderPlaylist, shownListId } from './playlist.js';
import { clearProblem, showProblem } from './problem.js';

const $ = (id) => document.getElementById(id);
const linkInput = $('link');
const detailsButton = $('details-button');
const linkStatus = $('link-status');

let lookup = null;  // aborts a lookup that a newer link replaced
let autoFetchTimer = 0;

/** Starts the link check; a link given in the page's address (?url=…, as the bookmarklet sends) is filled in and looked up. */
export function startLinkCheck() {
  const given = new URLSearchParams(location.search).get('url');
  if (given) {
    linkInput.value = given;
    // Looked up once; a reload should not look it up again, nor a shared address carry it.
    history.replaceState(null, '', location.pathname);
  }
  checkerReady.then((loaded) => {
    if (!loaded) {
      $('checker-status').textContent = 'The in-browser link check could not load; the server checks links instead.';
      if (given) lookUpTyped();
    }
    onLinkChanged();
  });
  linkInput.addEventListener('input', () => {
    // A new link makes the last one's error stale.
    clearProblem();
    onLinkChanged();
  });
  onLinkChanged();
}

function onLinkChanged() {
  const text = linkInput.value.trim();
  clearTimeout(autoFetchTimer);
  $('link-choice').hidden = true;
  if (text === '') {
    showLinkStatus('', '');
    detailsButton.disabled = true;
    return;
  }
  const verdict = checkLink(text);
  if (verdict === null) {
    // Not loaded (yet): the server will say what is wrong, if anything.
    showLinkStatus('', '');
    detailsButton.disabled = false;
    return;
  }
  const { id, list } = verdict;
  const later = (look) => { autoFetchTimer = setTimeout(look, 300); };
  if (verdict.reason) {
    showLinkStatus(verdict.reason, 'invalid');
    detailsButton.disabled = true;
  } else if (id && list?.unlistable) {
    // A video played from a mix: the mix itself cannot be listed, the video can be stored.
    showLinkStatus(`Video ID ${id} (${list.unlistable})`, 'valid');
    detailsButton.disabled = false;
    if (shownVideoId() !== id) later(() => lookUp('video', text));
  } else if (id && list) {
    showLinkStatus(`Video ID ${id} in ${describeList(list)}: store only this video, or the whole list?`, 'valid');
    detailsButton.disabled = true;
    $('link-choice').hidden = false;
  } else if (id) {
    showLinkStatus(`Video ID ${id}`, 'valid');
    detailsButton.disabled = false;
    if (shownVideoId() !== id) later(() => lookUp('video', text));
  } else if (list.unlistable) {
    showLinkStatus(list.unlistable, 'invalid');
    detailsButton.disabled = true;
  } else {
    showLinkStatus(describeList(list), 'valid');
    detailsButton.disabled = false;
    if (shownListId() !== list.id) later(() => lookUp('playlist', text));
  }
}

function describeList(list) {
  return list.kind === 'Playlist' ? `playlist ${list.id}` : `channel ${list.id}`;
}

function showLinkStatus(text, state) {
  linkStatus.textContent = text;
  linkStatus.className = `status ${state}`;
  linkInput.setAttribute('aria-invalid', state === 'invalid' ? 'true' : 'false');
}

/** Looks the typed link up as the browser's check reads it; without the check, the server decides. */
function lookUpTyped() {
  clearTimeout(autoFetchTimer);
  const text = linkInput.value.trim();
  if (text === '') return;
  const verdict = checkLink(text);
  lookUp(verdict?.list && !verdict.id && !verdict.list.unlistable ? 'playlist' : 'video', text);
}

/** GET /api/video or /api/playlist for the link, and the answer shown in place of whatever was shown. */
async function lookUp(kind, url) {
  lookup?.abort();
  const request = lookup = new AbortController();
  clearProblem();
  detailsButton.disabled = true;
  detailsButton.textContent = 'Loading…';
  try {
    const answer = await api('GET', `/api/${kind}?url=${encodeURIComponent(url)}`, undefined, request.signal);
    if (kind === 'video') {
      hidePlaylist();
      renderDetails(url, answer);
    } else {
      hideDetails();
      renderPlaylist(url, answer);
    }
  } catch (error) {
    if (request.signal.aborted) return;
    hideDetails();
    hidePlaylist();
    showProblem(error);
  } finally {
    if (lookup === request) {
      detailsButton.disabled = false;
      detailsButton.textContent = 'Get details';
    }
  }
}

$('choose-video').addEventListener('click', () => { $('link-choice').hidden = true; lookUp('video', linkInput.value.trim()); });
$('choose-list').addEventListener('click', () => { $('link-choice').hidden = true; lookUp('playlist', linkInput.value.trim()); });
$('link-form').addEventListener('submit', (event) => {
  event.preventDefault();
  lookUpTyped();
});
