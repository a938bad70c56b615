/** The stream toggles above the grid: one button per stream with its colour, a rate sparkline and events/s. */
import { escapeInvisible } from '../../src/feed/rowFormat';
import { el } from './dom';
import { st, streamColor, view } from './viewState';

const sparkNs = 'http://www.w3.org/2000/svg';
const streamEls = new Map<string, { btn: HTMLButtonElement; line: SVGPolylineElement; rate: HTMLSpanElement }>();

/** The stream bar element. */
export const streamBar = el('div', 'streams');
streamBar.id = 'streams';
streamBar.setAttribute('aria-label', 'Streams');

/** Rebuilds the toggles from `view.streams` (only the feed's own stream in a single-stream feed). */
export function renderStreams(): void {
  streamBar.replaceChildren();
  streamEls.clear();
  const present = view.streams.filter((s) => !s.gone);
  const list = view.onlyStream ? present.filter((s) => s.id === view.onlyStream) : present;
  for (const s of list) {
    const btn = el('button', 'stream-toggle');
    btn.type = 'button';
    btn.dataset.stream = s.id;
    const on = !st.hidden.includes(s.id);
    btn.setAttribute('aria-pressed', on ? 'true' : 'false');
    const simulated = s.simulated ? ' · simulated locally: its events and credits are not real' : '';
    btn.title = `${escapeInvisible(s.label)}${s.state ? ` (${s.state})` : ''}${simulated}: click to ${on ? 'hide' : 'show'}`;
    const dot = el('span', `dot color-${streamColor(s.id)}`);
    const label = el('span', 'stream-label', escapeInvisible(s.label));
    const svg = document.createElementNS(sparkNs, 'svg');
    svg.setAttribute('class', `spark color-${streamColor(s.id)}`);
    svg.setAttribute('viewBox', '0 0 60 16');
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('aria-hidden', 'true');
    const line = document.createElementNS(sparkNs, 'polyline');
    svg.append(line);
    const rate = el('span', 'rate');
    btn.append(dot, label, svg, rate);
    if (s.simulated) btn.insertBefore(el('span', 'sim-tag', 'simulated'), svg);
    streamBar.append(btn);
    streamEls.set(s.id, { btn, line, rate });
  }
  streamBar.hidden = list.length === 0;
  updateSparks();
}

/** Redraws every sparkline and rate from the last 60 seconds. */
export function updateSparks(): void {
  const now = Date.now();
  for (const [id, e] of streamEls) {
    const series = view.rates.series(id, now);
    const max = Math.max(1, ...series);
    e.line.setAttribute('points', series.map((v, i) => `${i},${(16 - (v / max) * 15).toFixed(1)}`).join(' '));
    const last = series[series.length - 2] ?? 0; // the last complete second
    e.rate.textContent = `${last.toLocaleString('en-US')}/s`;
  }
}

/** Calls `onToggle` after a click showed or hid a stream (the filter must then be applied again). */
export function onStreamToggle(onToggle: () => void): void {
  streamBar.addEventListener('click', (e) => {
    const btn = (e.target as HTMLElement).closest<HTMLElement>('.stream-toggle');
    const id = btn?.dataset.stream;
    if (id === undefined) return;
    st.hidden = st.hidden.includes(id) ? st.hidden.filter((x) => x !== id) : [...st.hidden, id];
    renderStreams();
    onToggle();
  });
}
