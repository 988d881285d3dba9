// The page's entry: wires the modules together, says where files go (this server's store), and makes the bookmarklet.

import { api, onKeyNeeded } from './api.js';
import { askForKey } from './key-dialog.js';
import { loadJobs } from './jobs.js';
import { startLinkCheck } from './link.js';

const $ = (id) => document.getElementById(id);

onKeyNeeded(askForKey);

/** The words for where a stored video goes, from GET /api/server; neutral ones until the server says. */
async function describeStore() {
  try {
    const server = await api('GET', '/api/server');
    const s3 = server.store === 's3';
    $('tagline').textContent = s3
      ? 'Paste a YouTube link, pick a quality, and it goes straight into your bucket.'
      : "Paste a YouTube link, pick a quality, and it is saved in this server's folder.";
    $('upload-button').textContent = s3 ? 'Upload to S3' : 'Save to this server';
  } catch {
    // An older server, or no key given: the neutral words stay, and the jobs list says what is missing.
  }
}

/**
 * A javascript: link that, run from the bookmarks bar on a YouTube tab, opens this page with that tab's address.
 * The origin is this page's own, as the browser reached it.
 */
function makeBookmarklet() {
  const target = JSON.stringify(`${location.origin}/?url=`);
  const link = $('bookmarklet');
  link.href = `javascript:void(window.open(${target}+encodeURIComponent(location.href)))`;
  // Here, on this page, the policy that keeps scripts out also stops javascript: links: say what it is for instead.
  link.addEventListener('click', (event) => {
    event.preventDefault();
    $('bookmarklet-hint').textContent = 'Drag it to your bookmarks bar, then click it there while a YouTube video is open.';
  });
}

/** What needs the server: at once, so that a key asked for is asked once for both. */
function loadFromServer() { return Promise.all([describeStore(), loadJobs()]); }

$('jobs-key').addEventListener('click', loadFromServer);
makeBookmarklet();
startLinkCheck();
loadFromServer();
