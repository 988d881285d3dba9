// How numbers, codecs and qualities are written on the page.

export function formatBytes(bytes) {
  if (bytes == null) return '?';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit++; }
  return `${value.toFixed(value < 10 && unit > 0 ? 1 : 0)} ${units[unit]}`;
}

export function formatDuration(seconds) {
  if (seconds == null || !Number.isFinite(seconds)) return '';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A job's time as the user's locale writes a date and time. */
export function formatTime(iso) { return iso ? timeFormat.format(new Date(iso)) : ''; }

export function codecName(codec) {
  if (!codec) return null;
  const known = [['avc1', 'H.264'], ['vp09', 'VP9'], ['vp9', 'VP9'], ['av01', 'AV1'], ['mp4a', 'AAC'], ['opus', 'Opus']];
  return known.find(([prefix]) => codec.toLowerCase().startsWith(prefix))?.[1] ?? codec;
}

/** "AAC · 128 kbit/s": what an audio stream is, for the user. */
export function describeAudio(audio) {
  return [codecName(audio.acodec), audio.bitrate ? `${Math.round(audio.bitrate / 1000)} kbit/s` : null].filter(Boolean).join(' ');
}

export function shortSide(quality) {
  const [width, height] = quality.split('x').map(Number);
  return Math.min(width, height);
}

export function heightLabel(quality) { return `${shortSide(quality)}p`; }

/** A job's quality as the user chose it: "720p", "audio only (MP3)". */
export function qualityLabel(quality, format) {
  if (quality === 'audio') return `audio only (${(format ?? 'm4a').toUpperCase()})`;
  return /^\d+x\d+$/.test(quality) ? heightLabel(quality) : quality;
}

export function plural(count, word) { return `${count} ${word}${count === 1 ? '' : 's'}`; }

export function delay(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

/** A clone of a <template>'s first element. */
export function fromTemplate(id) { return document.getElementById(id).content.firstElementChild.cloneNode(true); }
