import { checkLink, ready as checkerReady } from './url-check.js';
import { api, ApiError, objectUrl, onKeyNeeded, readEvents } from './api.js';

const $ = (id) => document.getElementById(id);
const linkInput = $('link');
const detailsButton = $('details-button');
const linkStatus = $('link-status');
const jobsList = $('jobs');
const terminal = new Set(['done', 'failed', 'cancelled']);

let shownVideo = null;      // the video whose details are on screen: { url, id, title }
let shownList = null;       // the playlist or channel on screen: { url, id }
let detailsRequest = null;  // aborts a details fetch that a newer link replaced
let autoFetchTimer = 0;
let nextJobsCursor = null;

// ---- The link: checked in the browser as the user types ----

checkerReady.then((loaded) => {
  if (!loaded) $('checker-status').textContent = 'The in-browser link check could not load; the server checks links instead.';
  onLinkChanged();
});

linkInput.addEventListener('input', onLinkChanged);

function onLinkChanged() {
  const text = linkInput.value.trim();
  clearTimeout(autoFetchTimer);
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
  const list = verdict.list;
  $('link-choice').hidden = true;
  if (verdict.reason) {
    showLinkStatus(verdict.reason, 'invalid');
    detailsButton.disabled = true;
  } else if (verdict.id && list?.unlistable) {
    // A video played from a mix: the mix itself cannot be listed, the video can be stored.
    showLinkStatus(`Video ID ${verdict.id} (${list.unlistable})`, 'valid');
    detailsButton.disabled = false;
    if (shownVideo?.id !== verdict.id) autoFetchTimer = setTimeout(() => showDetails(text), 300);
  } else if (verdict.id && list) {
    showLinkStatus(`Video ID ${verdict.id} in ${describeList(list)}: store only this video, or the whole list?`, 'valid');
    detailsButton.disabled = true;
    $('link-choice').hidden = false;
  } else if (verdict.id) {
    showLinkStatus(`Video ID ${verdict.id}`, 'valid');
    detailsButton.disabled = false;
    if (shownVideo?.id !== verdict.id) autoFetchTimer = setTimeout(() => showDetails(text), 300);
  } else if (list.unlistable) {
    showLinkStatus(list.unlistable, 'invalid');
    detailsButton.disabled = true;
  } else {
    showLinkStatus(describeList(list), 'valid');
    detailsButton.disabled = false;
    if (shownList?.id !== list.id) autoFetchTimer = setTimeout(() => showPlaylist(text), 300);
  }
}

function describeList(list) {
  return list.kind === 'Playlist' ? `playlist ${list.id}` : `channel ${list.id}`;
}

$('choose-video').addEventListener('click', () => { $('link-choice').hidden = true; showDetails(linkInput.value.trim()); });
$('choose-list').addEventListener('click', () => { $('link-choice').hidden = true; showPlaylist(linkInput.value.trim()); });

function showLinkStatus(text, state) {
  linkStatus.textContent = text;
  linkStatus.className = `status ${state}`;
  linkInput.setAttribute('aria-invalid', state === 'invalid' ? 'true' : 'false');
}

$('link-form').addEventListener('submit', (event) => {
  event.preventDefault();
  clearTimeout(autoFetchTimer);
  const text = linkInput.value.trim();
  if (text === '') return;
  // Without the module loaded the server decides; a list link is shown as a list.
  const verdict = checkLink(text);
  if (verdict?.list && !verdict.id && !verdict.list.unlistable) showPlaylist(text); else showDetails(text);
});

// ---- Details and qualities ----

async function showDetails(url) {
  detailsRequest?.abort();
  const request = detailsRequest = new AbortController();
  const detailsError = $('details-error');
  detailsError.hidden = true;
  detailsButton.disabled = true;
  detailsButton.textContent = 'Loading…';
  try {
    const video = await api('GET', `/api/video?url=${encodeURIComponent(url)}`, undefined, request.signal);
    $('playlist').hidden = true;
    shownList = null;
    renderDetails(url, video);
  } catch (error) {
    if (request.signal.aborted) return;
    $('details').hidden = true;
    shownVideo = null;
    detailsError.textContent = error.message;
    detailsError.hidden = false;
  } finally {
    if (detailsRequest === request) {
      detailsButton.disabled = false;
      detailsButton.textContent = 'Get details';
    }
  }
}

function renderDetails(url, video) {
  shownVideo = { url, id: video.videoId, title: video.title };
  $('video-title').textContent = video.title;
  $('video-meta').textContent = [video.author, formatDuration(video.duration), `from ${video.source}`]
    .filter(Boolean).join(' · ');
  showThumbnail(video);

  const qualities = $('qualities');
  qualities.replaceChildren();
  const preferred = preferredFormat(video.formats);
  for (const [index, format] of video.formats.entries()) {
    const id = `quality-${index}`;
    const label = document.createElement('label');
    label.className = 'quality';
    label.htmlFor = id;
    const radio = document.createElement('input');
    Object.assign(radio, { type: 'radio', name: 'quality', id, value: format.quality, checked: format === preferred });
    const resolution = document.createElement('span');
    resolution.className = 'resolution';
    resolution.textContent = heightLabel(format.quality);
    const facts = document.createElement('span');
    facts.className = 'facts';
    facts.textContent = describeFormat(format);
    label.append(radio, resolution, facts);
    qualities.append(label);
  }
  for (const audio of (video.audio ?? []).filter((a) => a.format !== 'opus')) {
    qualities.append(audioChoice(audio));
  }
  $('upload-button').disabled = video.formats.length === 0;
  $('details').hidden = false;
}

async function showThumbnail(video) {
  const image = $('thumbnail');
  image.hidden = true;
  if (image.src.startsWith('blob:')) URL.revokeObjectURL(image.src);
  if (!video.thumbnailProxy) return;
  try {
    image.src = await objectUrl(video.thumbnailProxy);
    image.alt = `Thumbnail of ${video.title}`;
    image.hidden = false;
  } catch {
    // A missing thumbnail costs nothing but the picture.
  }
}

function audioChoice(audio) {
  const label = document.createElement('label');
  label.className = 'quality';
  const radio = document.createElement('input');
  Object.assign(radio, { type: 'radio', name: 'quality', id: `quality-audio-${audio.format}`, value: audio.quality });
  radio.dataset.format = audio.format;
  label.htmlFor = radio.id;
  const name = document.createElement('span');
  name.className = 'resolution';
  name.textContent = `Audio only (${audio.format.toUpperCase()})`;
  const facts = document.createElement('span');
  facts.className = 'facts';
  facts.textContent = [
    audio.reencoded ? 'MP3, re-encoded' : codecName(audio.acodec),
    audio.bitrate ? `${Math.round(audio.bitrate / 1000)} kbit/s` : null,
    audio.filesize ? `≈ ${formatBytes(audio.filesize)}` : 'size unknown',
  ].filter(Boolean).join(' · ');
  label.append(radio, name, facts);
  return label;
}

/** The best MP4 at or below 1080p, else the first listed. */
function preferredFormat(formats) {
  const candidates = formats.filter((f) => f.ext === 'mp4' && shortSide(f.quality) <= 1080);
  return candidates.sort((a, b) => shortSide(b.quality) - shortSide(a.quality))[0] ?? formats[0];
}

function shortSide(quality) {
  const [width, height] = quality.split('x').map(Number);
  return Math.min(width, height);
}

function heightLabel(quality) { return `${shortSide(quality)}p`; }

function describeFormat(format) {
  const codecs = [codecName(format.vcodec), format.hasAudio ? codecName(format.acodec) : null].filter(Boolean);
  return [
    format.fps ? `${format.fps} fps` : null,
    codecs.join(' + ') + (format.needsMerge ? ' + best audio' : ''),
    format.filesize ? `≈ ${formatBytes(format.filesize)}` : 'size unknown',
    format.needsMerge ? 'video and audio merged' : 'single file',
  ].filter(Boolean).join(' · ');
}

function codecName(codec) {
  if (!codec) return null;
  const known = [['avc1', 'H.264'], ['vp09', 'VP9'], ['vp9', 'VP9'], ['av01', 'AV1'], ['mp4a', 'AAC'], ['opus', 'Opus']];
  return known.find(([prefix]) => codec.toLowerCase().startsWith(prefix))?.[1] ?? codec;
}

// ---- Uploads: each one a job on the server, with live progress ----

$('upload-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const choice = document.querySelector('input[name=quality]:checked');
  if (!shownVideo || !choice) return;
  const button = $('upload-button');
  button.disabled = true;
  try {
    const job = await api('POST', '/api/jobs', { url: shownVideo.url, quality: choice.value, format: choice.dataset.format });
    renderJob(job, { prepend: true });
    follow(job);
  } catch (error) {
    const detailsError = $('details-error');
    detailsError.textContent = error.message;
    detailsError.hidden = false;
  } finally {
    button.disabled = false;
  }
});

const followed = new Set();

/** Follows a job's event stream until it ends; reconnects if the connection drops while it runs. */
async function follow(job) {
  if (terminal.has(job.phase) || followed.has(job.id)) return;
  followed.add(job.id);
  try {
    for (let attempt = 0; attempt < 30 && !terminal.has(job.phase); attempt++) {
      try {
        await readEvents(`/api/jobs/${encodeURIComponent(job.id)}/events`, (type, data) => {
          if (type === 'job') { job = data; renderJob(job); }
        });
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return;
      }
      if (!terminal.has(job.phase)) await delay(Math.min(1000 * (attempt + 1), 5000));
    }
  } finally {
    followed.delete(job.id);
  }
}

function renderJob(job, { prepend = false } = {}) {
  let row = document.getElementById(`job-${job.id}`);
  if (!row) {
    row = createJobRow(job);
    if (prepend) jobsList.prepend(row); else jobsList.append(row);
    $('jobs-empty').hidden = true;
  }
  row.className = `job ${job.phase}`;
  row.dataset.phase = job.phase;
  row.querySelector('.phase').textContent = describePhase(job);
  setBar(row.querySelector('.download'), job.downloadedBytes, job.totalBytes, job.phase);
  setBar(row.querySelector('.upload'), job.uploadedBytes, job.totalBytes, job.phase);
  row.querySelector('.cancel').hidden = terminal.has(job.phase);
  row.querySelector('.bars').hidden = job.phase === 'done' || job.phase === 'failed' || job.phase === 'cancelled';

  const message = row.querySelector('.message');
  message.hidden = job.phase !== 'failed';
  message.textContent = job.phase === 'failed' ? job.error ?? 'The upload failed.' : '';

  const links = row.querySelector('.links');
  if (job.phase === 'done' && job.result && links.childElementCount === 0) links.append(...resultLinks(job));
}

function createJobRow(job) {
  const row = document.createElement('li');
  row.id = `job-${job.id}`;
  row.setAttribute('aria-label', `Upload of ${job.title ?? job.videoId}`);

  // <bdi> keeps a title's own direction marks (an RTL override, say) from reordering what follows it.
  const title = document.createElement('div');
  title.className = 'title';
  const name = document.createElement('bdi');
  name.textContent = job.title ?? job.videoId;
  title.append(name, ` · ${heightLabelOrText(job.quality, job.format)}`);

  const phase = document.createElement('div');
  phase.className = 'phase';
  phase.setAttribute('role', 'status');

  const bars = document.createElement('div');
  bars.className = 'bars';
  for (const [name, text] of [['download', 'Download'], ['upload', 'Upload']]) {
    const id = `job-${job.id}-${name}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = text;
    const bar = document.createElement('progress');
    bar.id = id;
    bar.className = name;
    bars.append(label, bar);
  }

  const message = document.createElement('p');
  message.className = 'message';
  message.setAttribute('role', 'alert');

  const links = document.createElement('div');
  links.className = 'links';

  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.className = 'small cancel';
  cancel.textContent = 'Cancel';
  cancel.setAttribute('aria-label', `Cancel the upload of ${job.title ?? job.videoId}`);
  cancel.addEventListener('click', async () => {
    cancel.disabled = true;
    try {
      renderJob(await api('DELETE', `/api/jobs/${encodeURIComponent(job.id)}`));
    } catch (error) {
      message.textContent = error.message;
      message.hidden = false;
    } finally {
      cancel.disabled = false;
    }
  });

  row.append(title, phase, bars, message, links, cancel);
  return row;
}

function resultLinks(job) {
  const result = job.result;
  const objectLink = link(result.s3_url, 'Object link');
  const downloadLink = link(result.downloadUrl, 'Download link');
  const copy = document.createElement('button');
  copy.type = 'button';
  copy.className = 'small copy';
  copy.textContent = 'Copy download link';
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(result.downloadUrl);
      copy.textContent = 'Copied';
    } catch {
      copy.textContent = 'Copy failed: select the link instead';
    }
    setTimeout(() => { copy.textContent = 'Copy download link'; }, 2500);
  });
  const size = document.createElement('span');
  size.className = 'quiet';
  size.textContent = formatBytes(result.size) + (job.reused ? ' · already in the bucket' : '')
    + (result.note ? ` · ${result.note}` : '');
  return [objectLink, downloadLink, copy, size];
}

function link(href, text) {
  const a = document.createElement('a');
  a.href = href;
  a.textContent = text;
  a.rel = 'noreferrer';
  a.target = '_blank';
  return a;
}

function describePhase(job) {
  const words = {
    queued: 'Waiting for a free slot', resolving: 'Finding the streams', waiting: 'Waiting out the ad YouTube plays first',
    downloading: 'Downloading',
    muxing: 'Downloading and merging', uploading: 'Uploading', done: 'Done', failed: 'Failed', cancelled: 'Cancelled',
  };
  const parts = [words[job.phase] ?? job.phase];
  if (job.phase === 'waiting' && job.waitingSeconds != null) parts.push(`${formatDuration(job.waitingSeconds)} left`);
  const handover = job.handovers?.at(-1);
  if (handover && !terminal.has(job.phase)) parts.push(`now from ${handover.to}`);
  if (!terminal.has(job.phase) && job.phase !== 'waiting') {
    if (job.totalBytes) parts.push(`${formatBytes(job.downloadedBytes)} of ${formatBytes(job.totalBytes)}`);
    if (job.bytesPerSecond) parts.push(`${formatBytes(job.bytesPerSecond)}/s`);
    if (job.etaSeconds != null) parts.push(`about ${formatDuration(job.etaSeconds)} left`);
  }
  return parts.join(' · ');
}

function setBar(bar, done, total, phase) {
  if (phase === 'queued' || phase === 'resolving' || phase === 'waiting' || !total) {
    bar.removeAttribute('value');
    return;
  }
  bar.max = total;
  bar.value = Math.min(done, total);
}

function heightLabelOrText(quality, format) {
  if (quality === 'audio') return `audio only (${(format ?? 'm4a').toUpperCase()})`;
  return /^\d+x\d+$/.test(quality) ? heightLabel(quality) : quality;
}

// ---- Playlists and channels: their videos, chosen with checkboxes, stored as one batch ----

async function showPlaylist(url) {
  detailsRequest?.abort();
  const request = detailsRequest = new AbortController();
  const detailsError = $('details-error');
  detailsError.hidden = true;
  detailsButton.disabled = true;
  detailsButton.textContent = 'Loading…';
  try {
    const listing = await api('GET', `/api/playlist?url=${encodeURIComponent(url)}`, undefined, request.signal);
    $('details').hidden = true;
    shownVideo = null;
    renderPlaylist(url, listing);
  } catch (error) {
    if (request.signal.aborted) return;
    $('playlist').hidden = true;
    shownList = null;
    detailsError.textContent = error.message;
    detailsError.hidden = false;
  } finally {
    if (detailsRequest === request) {
      detailsButton.disabled = false;
      detailsButton.textContent = 'Get details';
    }
  }
}

function renderPlaylist(url, listing) {
  shownList = { url, id: listing.playlistId };
  $('playlist-title').textContent = listing.title;
  const total = listing.videos.reduce((sum, v) => sum + (v.duration ?? 0), 0);
  $('playlist-meta').textContent = [
    listing.author,
    `${listing.videos.length} video${listing.videos.length === 1 ? '' : 's'}` + (listing.truncated ? ` listed of ${listing.videoCount} (the server's limit)` : ''),
    total ? `${formatDuration(total)} in all` : null,
  ].filter(Boolean).join(' · ');
  const list = $('playlist-videos');
  const template = $('playlist-video-template');
  list.replaceChildren(...listing.videos.map((video) => {
    const row = template.content.firstElementChild.cloneNode(true);
    const box = row.querySelector('input');
    box.value = video.videoId;
    box.addEventListener('change', updateBatchButton);
    row.querySelector('bdi').textContent = video.title;
    row.querySelector('.facts').textContent = formatDuration(video.duration);
    return row;
  }));
  $('playlist-all').checked = true;
  $('batch-status').textContent = '';
  updateBatchButton();
  $('playlist').hidden = false;
}

$('playlist-all').addEventListener('change', (event) => {
  for (const box of document.querySelectorAll('#playlist-videos input')) box.checked = event.target.checked;
  updateBatchButton();
});

function chosenVideos() {
  return [...document.querySelectorAll('#playlist-videos input:checked')].map((box) => box.value);
}

function updateBatchButton() {
  const chosen = chosenVideos().length;
  const all = document.querySelectorAll('#playlist-videos input').length;
  $('playlist-all').checked = chosen === all;
  const button = $('batch-button');
  button.disabled = chosen === 0;
  button.textContent = chosen === all ? `Store all ${all} videos` : `Store ${chosen} of ${all} videos`;
}

$('batch-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const choice = document.querySelector('input[name=batch-quality]:checked');
  if (!shownList || !choice) return;
  const chosen = chosenVideos();
  const all = chosen.length === document.querySelectorAll('#playlist-videos input').length;
  const button = $('batch-button');
  button.disabled = true;
  try {
    const created = await api('POST', '/api/jobs', {
      url: shownList.url, quality: choice.value, format: choice.dataset.format, ...(all ? { all: true } : { videoIds: chosen }),
    });
    for (const job of [...created.jobs].reverse()) renderJob(job, { prepend: true });
    followBatch(created.batch);
  } catch (error) {
    $('batch-status').textContent = error.message;
  } finally {
    button.disabled = false;
  }
});

const followedBatches = new Set();

/** Polls a batch until every job has ended, updating each row and the batch's own line. */
async function followBatch(batch) {
  if (followedBatches.has(batch)) return;
  followedBatches.add(batch);
  try {
    for (let failures = 0; failures < 30;) {
      try {
        const answer = await api('GET', `/api/jobs?batch=${encodeURIComponent(batch)}`);
        for (const job of answer.jobs) renderJob(job);
        const done = answer.jobs.filter((j) => terminal.has(j.phase)).length;
        const counts = Object.entries(answer.phases).map(([phase, n]) => `${n} ${phase}`).join(', ');
        $('batch-status').textContent = `Batch: ${done} of ${answer.jobs.length} finished (${counts}).`;
        if (done === answer.jobs.length) return;
        failures = 0;
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return;
        failures++;
      }
      await delay(1000);
    }
  } finally {
    followedBatches.delete(batch);
  }
}

// ---- History: the jobs the server remembers, so a reload loses nothing ----

async function loadJobs(cursor) {
  try {
    const page = await api('GET', `/api/jobs?limit=20${cursor ? `&before=${encodeURIComponent(cursor)}` : ''}`);
    for (const job of page.jobs) {
      renderJob(job);
      // A batch is followed as one; an event stream per video would use up the browser's connections.
      if (job.batch) followBatch(job.batch); else follow(job);
    }
    nextJobsCursor = page.next;
    $('more-jobs').hidden = !nextJobsCursor;
  } catch (error) {
    $('jobs-empty').textContent = `Could not load the uploads: ${error.message}`;
  }
}

$('more-jobs').addEventListener('click', () => loadJobs(nextJobsCursor));

// ---- The API key, asked for only if the server wants one ----

onKeyNeeded((problem) => new Promise((resolve) => {
  const dialog = $('key-dialog');
  const input = $('api-key');
  const error = $('key-error');
  error.textContent = problem;
  error.hidden = !problem;
  input.value = '';
  const finish = (key) => {
    dialog.close();
    $('key-form').removeEventListener('submit', submit);
    $('key-cancel').removeEventListener('click', cancel);
    resolve(key);
  };
  const submit = (event) => { event.preventDefault(); finish(input.value.trim() || null); };
  const cancel = () => finish(null);
  $('key-form').addEventListener('submit', submit);
  $('key-cancel').addEventListener('click', cancel);
  dialog.showModal();
  input.focus();
}));

// ---- Formatting ----

function formatBytes(bytes) {
  if (bytes == null) return '?';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit++; }
  return `${value.toFixed(value < 10 && unit > 0 ? 1 : 0)} ${units[unit]}`;
}

function formatDuration(seconds) {
  if (seconds == null || !Number.isFinite(seconds)) return '';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

function delay(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

loadJobs();
onLinkChanged();
