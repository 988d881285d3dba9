// The jobs list: one row per job id (a reused job is the row already there), live progress from each job's
// event stream (a batch is polled as one), and the history the server remembers, so a reload loses nothing.

import { api, readEvents } from './api.js';
import { delay, formatBytes, formatDuration, formatTime, fromTemplate, qualityLabel } from './format.js';

const $ = (id) => document.getElementById(id);
const jobsList = $('jobs');
const announcer = $('jobs-announcer');

/** The phases a job never leaves. */
export const terminal = new Set(['done', 'failed', 'cancelled']);

const rows = new Map();      // job id → its row
const objects = new Map();   // stored object's key → the row that shows it
const requests = new Map();  // job id → the request this page made for it, sent again by Retry
const followed = new Set();
const batches = new Map();   // batch id → the listeners of its polls
let nextCursor = null;

const phaseWords = {
  queued: 'Waiting for a free slot', resolving: 'Finding the streams', waiting: 'Waiting out the ad YouTube plays first',
  downloading: 'Downloading', muxing: 'Downloading and merging', uploading: 'Uploading',
  done: 'Done', failed: 'Failed', cancelled: 'Cancelled',
};

/**
 * Creates a job from a request body and shows it: its row at the top of the list, scrolled into view,
 * focused and announced, so the user sees what Upload did even when the list is below the fold.
 * Throws the ApiError of a refusal.
 */
export async function startJob(body) {
  const job = await api('POST', '/api/jobs', body);
  requests.set(job.id, body);
  const row = renderJob(job, { prepend: true });
  row.scrollIntoView({ block: 'center' });
  row.focus({ preventScroll: true });
  announce(`${job.reused ? 'Already stored' : 'Started'}: ${nameOf(job)}, ${qualityLabel(job.quality, job.format)}.`);
  follow(job);
  return job;
}

/** Shows a job's state in its row, making the row if it has none; answers the row. */
export function renderJob(job, { prepend = false } = {}) {
  let row = rows.get(job.id) ?? rowOfObject(job);
  if (!row) {
    row = createRow(job);
    row.jobIds = new Set();
    if (prepend) jobsList.prepend(row); else jobsList.append(row);
    $('jobs-empty').hidden = true;
  } else if (prepend) {
    jobsList.prepend(row);
  }
  rows.set(job.id, row);
  row.jobIds.add(job.id);
  if (job.result?.key) objects.set(job.result.key, row);
  const before = row.dataset.phase;
  const ended = terminal.has(job.phase);
  row.job = job;
  row.className = `job ${job.phase}`;
  row.dataset.phase = job.phase;
  row.querySelector('.phase').textContent = describePhase(job);
  setBar(row.querySelector('progress.download'), job.downloadedBytes, job);
  setBar(row.querySelector('progress.upload'), job.uploadedBytes, job);
  row.querySelector('.bars').hidden = ended;
  row.querySelector('.cancel').hidden = ended;
  row.querySelector('.retry').hidden = job.phase !== 'failed' && job.phase !== 'cancelled';
  row.querySelector('.remove').hidden = !ended;

  const message = row.querySelector('.message');
  message.hidden = job.phase !== 'failed';
  if (job.phase === 'failed') message.textContent = job.error ?? 'The upload failed.';
  if (job.phase === 'done' && job.result) showResult(row, job);

  // Announced when seen to end here; rows loaded from the history just sit there.
  if (before && !terminal.has(before) && ended) {
    announce(`${phaseWords[job.phase]}: ${nameOf(job)}${job.phase === 'failed' && job.error ? `. ${job.error}` : '.'}`);
  }
  return row;
}

// A reused job is a new record of an object already stored: shown in the row of that object, not as a second row.
function rowOfObject(job) {
  return job.phase === 'done' && job.result?.key ? objects.get(job.result.key) : undefined;
}

function createRow(job) {
  const row = fromTemplate('job-template');
  row.setAttribute('aria-label', `Upload of ${nameOf(job)}`);
  row.querySelector('.name').textContent = nameOf(job);
  row.querySelector('.quality-name').textContent = qualityLabel(job.quality, job.format);
  const when = row.querySelector('.when');
  when.dateTime = job.createdAt;
  when.textContent = formatTime(job.createdAt);
  for (const bar of ['download', 'upload']) {
    const id = `job-${job.id}-${bar}`;
    row.querySelector(`progress.${bar}`).id = id;
    row.querySelector(`.${bar}-label`).htmlFor = id;
  }
  const named = (action) => `${action} the upload of ${nameOf(job)}`;
  const button = (name, action, onClick) => {
    const element = row.querySelector(`button.${name}`);
    element.setAttribute('aria-label', named(action));
    element.addEventListener('click', async () => {
      element.disabled = true;
      try {
        await onClick(row.job);
      } catch (error) {
        const message = row.querySelector('.message');
        message.textContent = error.message;
        message.hidden = false;
      } finally {
        element.disabled = false;
      }
    });
  };
  button('cancel', 'Cancel', async (current) => renderJob(await api('DELETE', jobPath(current.id))));
  // The same request again: what this page sent, or what the job itself says it was.
  button('retry', 'Retry', (current) => startJob(requests.get(current.id)
    ?? { url: current.url, quality: current.quality, format: current.format }));
  // Every record the row stands for leaves the history, or a reload would bring the row back.
  button('remove', 'Remove', async () => {
    for (const id of row.jobIds) {
      await api('DELETE', jobPath(id));
      rows.delete(id);
    }
    if (row.job.result?.key) objects.delete(row.job.result.key);
    row.remove();
    $('jobs-empty').hidden = rows.size > 0;
  });

  const copy = row.querySelector('button.copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(row.job.result.downloadUrl);
      copy.textContent = 'Copied';
    } catch {
      copy.textContent = 'Copy failed: select the link instead';
    }
    setTimeout(() => { copy.textContent = 'Copy download link'; }, 2500);
  });
  return row;
}

// Two links only, both made to work on a private bucket: Open plays in the browser, Download saves the file.
function showResult(row, job) {
  const { result } = job;
  const open = row.querySelector('a.open');
  open.hidden = !result.openUrl;
  if (result.openUrl) open.href = result.openUrl;
  const download = row.querySelector('a.download-link');
  download.href = result.downloadUrl;
  download.download = result.filename ?? '';
  row.querySelector('.size').textContent = [
    formatBytes(result.size), job.reused ? 'already stored' : null, result.note,
  ].filter(Boolean).join(' · ');
  row.querySelector('.links').hidden = false;
}

function describePhase(job) {
  const parts = [phaseWords[job.phase] ?? job.phase];
  if (job.phase === 'waiting' && job.waitingSeconds != null) parts.push(`${formatDuration(job.waitingSeconds)} left`);
  const handover = job.handovers?.at(-1);
  if (handover && !terminal.has(job.phase)) parts.push(`now from ${handover.to}`);
  if (moving(job)) {
    // While uploading, the speed and time left are the upload's (the server says so), and so are the bytes.
    const uploading = job.phase === 'uploading';
    const bytes = uploading ? job.uploadedBytes : job.downloadedBytes;
    if (job.totalBytes) {
      parts.push(`${formatBytes(Math.min(bytes, job.totalBytes))} of ${formatBytes(job.totalBytes)} ${uploading ? 'uploaded' : 'downloaded'}`);
    }
    if (job.bytesPerSecond) parts.push(`${formatBytes(job.bytesPerSecond)}/s`);
    if (job.etaSeconds != null) parts.push(`about ${formatDuration(job.etaSeconds)} left`);
  }
  return parts.join(' · ');
}

function moving(job) { return ['downloading', 'muxing', 'uploading'].includes(job.phase); }

function setBar(bar, done, job) {
  // Before any byte moves, or when the size is unknown, the bar says "busy" rather than a false 0 %.
  if (!job.totalBytes || ['queued', 'resolving', 'waiting'].includes(job.phase)) {
    bar.removeAttribute('value');
    return;
  }
  bar.max = job.totalBytes;
  bar.value = Math.min(done, job.totalBytes);
}

function nameOf(job) { return job.title ?? job.videoId; }

function jobPath(id) { return `/api/jobs/${encodeURIComponent(id)}`; }

function announce(text) {
  // Emptied first, so that the same sentence twice in a row is still read out.
  announcer.textContent = '';
  requestAnimationFrame(() => { announcer.textContent = text; });
}

/** Follows a job's event stream until it ends; reconnects if the connection drops while it runs. */
async function follow(job) {
  if (terminal.has(job.phase) || followed.has(job.id)) return;
  followed.add(job.id);
  try {
    for (let attempt = 0; attempt < 30 && !terminal.has(job.phase); attempt++) {
      try {
        await readEvents(`${jobPath(job.id)}/events`, (type, data) => {
          if (type === 'job') { job = data; renderJob(job); }
        });
      } catch (error) {
        if (error.status === 404) return;
      }
      if (!terminal.has(job.phase)) await delay(Math.min(1000 * (attempt + 1), 5000));
    }
  } finally {
    followed.delete(job.id);
  }
}

/**
 * Polls a batch until every job has ended, updating each row; onAnswer (optional) sees every answer.
 * A batch is followed once however many parts of the page ask.
 */
export async function followBatch(batch, onAnswer) {
  const listeners = batches.get(batch);
  if (listeners) {
    if (onAnswer) listeners.add(onAnswer);
    return;
  }
  const mine = new Set(onAnswer ? [onAnswer] : []);
  batches.set(batch, mine);
  try {
    for (let failures = 0; failures < 30;) {
      try {
        const answer = await api('GET', `/api/jobs?batch=${encodeURIComponent(batch)}`);
        for (const job of answer.jobs) renderJob(job);
        for (const listener of mine) listener(answer);
        if (answer.jobs.every((j) => terminal.has(j.phase))) return;
        failures = 0;
      } catch (error) {
        if (error.status === 404) return;
        failures++;
      }
      await delay(1000);
    }
  } finally {
    batches.delete(batch);
  }
}

/** Loads a page of the history (the newest first), following what still runs. */
export async function loadJobs(cursor) {
  const empty = $('jobs-empty');
  try {
    const page = await api('GET', `/api/jobs?limit=20${cursor ? `&before=${encodeURIComponent(cursor)}` : ''}`);
    $('jobs-key').hidden = true;
    empty.textContent = 'Nothing yet: uploads you start appear here, with their links when they finish.';
    for (const job of page.jobs) {
      renderJob(job);
      // A batch is followed as one; an event stream per video would use up the browser's connections.
      if (job.batch) followBatch(job.batch); else follow(job);
    }
    nextCursor = page.next;
    $('more-jobs').hidden = !nextCursor;
  } catch (error) {
    if (error.keyNeeded) {
      empty.textContent = 'This server needs an API key: without one, nothing can be shown or stored here.';
      $('jobs-key').hidden = false;
    } else {
      empty.textContent = `Could not load the uploads: ${error.message}`;
    }
  }
}

$('more-jobs').addEventListener('click', () => loadJobs(nextCursor));
