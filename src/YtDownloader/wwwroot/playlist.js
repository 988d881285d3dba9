// A playlist or channel: its videos with checkboxes (all checked) and thumbnails, one button that stores the chosen
// ones as a batch, and the batch's progress, per video and as a whole.

import { api } from './api.js';
import { formatDuration, fromTemplate, plural } from './format.js';
import { loadImage } from './details.js';
import { followBatch, renderJob, terminal } from './jobs.js';

const $ = (id) => document.getElementById(id);
const list = $('playlist-videos');
let shown = null; // the list on screen: { url, id }

// Thumbnails cost the server a lookup each: fetched only for the rows scrolled into sight (the rows are watched,
// not the images, which stay hidden, and so never intersect, until they have loaded).
const thumbnails = new IntersectionObserver((entries) => {
  for (const entry of entries.filter((e) => e.isIntersecting)) {
    thumbnails.unobserve(entry.target);
    const image = entry.target.querySelector('img');
    const { videoId, title } = image.dataset;
    loadImage(image, `/api/video/${encodeURIComponent(videoId)}/thumbnail`, `Thumbnail of ${title}`);
  }
}, { root: list, rootMargin: '200px' });

export function shownListId() { return shown?.id; }

export function hidePlaylist() {
  $('playlist').hidden = true;
  shown = null;
}

export function renderPlaylist(url, listing) {
  shown = { url, id: listing.playlistId };
  $('playlist-title').textContent = listing.title;
  const total = listing.videos.reduce((sum, v) => sum + (v.duration ?? 0), 0);
  $('playlist-meta').textContent = [
    listing.author,
    plural(listing.videos.length, 'video') + (listing.truncated ? ` listed of ${listing.videoCount} (the server's limit)` : ''),
    total ? `${formatDuration(total)} in all` : null,
  ].filter(Boolean).join(' · ');
  thumbnails.disconnect();
  list.replaceChildren(...listing.videos.map((video) => {
    const row = fromTemplate('playlist-video-template');
    row.dataset.videoId = video.videoId;
    const box = row.querySelector('input');
    box.value = video.videoId;
    box.addEventListener('change', updateBatchButton);
    row.querySelector('bdi').textContent = video.title;
    row.querySelector('.facts').textContent = formatDuration(video.duration);
    const image = row.querySelector('img');
    image.hidden = true;
    Object.assign(image.dataset, { videoId: video.videoId, title: video.title });
    return row;
  }));
  for (const row of list.children) thumbnails.observe(row);
  $('playlist-all').checked = true;
  $('batch-status').textContent = '';
  $('batch-progress').hidden = true;
  updateBatchButton();
  $('playlist').hidden = false;
}

function boxes() { return [...list.querySelectorAll('input[type=checkbox]')]; }

function chosenVideos() { return boxes().filter((box) => box.checked).map((box) => box.value); }

function updateBatchButton() {
  const chosen = chosenVideos().length;
  const all = boxes().length;
  $('playlist-all').checked = chosen === all;
  const button = $('batch-button');
  button.disabled = chosen === 0;
  button.textContent = chosen === all ? `Store all ${all} videos` : `Store ${chosen} of ${all} videos`;
}

$('playlist-all').addEventListener('change', (event) => {
  for (const box of boxes()) box.checked = event.target.checked;
  updateBatchButton();
});

$('batch-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const choice = document.querySelector('input[name=batch-quality]:checked');
  if (!shown || !choice) return;
  const chosen = chosenVideos();
  const all = chosen.length === boxes().length;
  const button = $('batch-button');
  button.disabled = true;
  try {
    const created = await api('POST', '/api/jobs', {
      url: shown.url, quality: choice.value, format: choice.dataset.format, ...(all ? { all: true } : { videoIds: chosen }),
    });
    for (const job of [...created.jobs].reverse()) renderJob(job, { prepend: true });
    showBatch(created);
    followBatch(created.batch, showBatch);
  } catch (error) {
    $('batch-status').textContent = error.message;
  } finally {
    button.disabled = false;
  }
});

/** The batch's line and bar, and each listed video's own bar and phase. */
function showBatch(answer) {
  const done = answer.jobs.filter((j) => terminal.has(j.phase)).length;
  const counts = Object.entries(answer.phases ?? {}).map(([phase, n]) => `${n} ${phase}`).join(', ');
  $('batch-status').textContent = `Batch: ${done} of ${answer.jobs.length} finished${counts ? ` (${counts})` : ''}.`;
  const bar = $('batch-progress');
  bar.max = answer.jobs.length;
  bar.value = done;
  bar.hidden = false;
  for (const job of answer.jobs) {
    const row = list.querySelector(`li[data-video-id="${CSS.escape(job.videoId)}"]`);
    if (!row) continue;
    const progress = row.querySelector('.video-progress');
    progress.hidden = false;
    if (job.totalBytes && !['queued', 'resolving', 'waiting'].includes(job.phase)) {
      progress.max = job.totalBytes;
      progress.value = job.phase === 'done' ? job.totalBytes : Math.min(job.uploadedBytes, job.totalBytes);
    } else {
      progress.removeAttribute('value');
    }
    row.querySelector('.video-phase').textContent = job.phase === 'failed' && job.error ? `failed: ${job.error}` : job.phase;
    row.dataset.phase = job.phase;
  }
}
