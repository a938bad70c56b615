/**
 * The feed webview's one state object. `st` is the part that survives hiding the view (through the webview's
 * getState/setState); `view` is the rest, rebuilt from the host's `init` message. Every other module of the webview
 * reads and writes these two objects instead of keeping module-level state of its own.
 */
import type { FeedStream, FromFeed, SavedFilter } from '../../src/feed/protocol';
import type { FeedFilter } from '../../src/feed/filter';
import { FeedModel } from '../../src/feed/model';
import { RateMeter } from '../../src/feed/rateMeter';
import { defaultMaxEvents } from '../../src/feed/rowFormat';

interface VsCodeApi {
  postMessage(msg: FromFeed): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** What survives hiding the view (webview state). */
export interface PersistedState {
  filter: string;
  regex: boolean;
  caseSensitive: boolean;
  hidden: string[];
  paused: boolean;
  /** Newest row key when paused: rows after it arrive as "new". */
  lastSeenKey?: string;
  /** Key of the top visible row when not following the newest row. */
  anchorKey?: string;
  stick: boolean;
  relative: boolean;
  selectedKey?: string;
  expandedKey?: string;
  raw: boolean;
}

/** The state that lives only as long as the page. */
export interface ViewState {
  model: FeedModel;
  rates: RateMeter;
  streams: FeedStream[];
  /** Set when the feed shows one stream only (a stream's own feed tab). */
  onlyStream: string | undefined;
  currentFilter: FeedFilter | undefined;
  savedFilters: SavedFilter[];
  initialized: boolean;
  selectedSeq: number;
  expandedSeq: number;
  /** Rows appended while the user was scrolled away from the newest row (not paused). */
  unseen: number;
  /** Bumped when every row on screen must be re-filled (labels, relative times, updated rows). */
  rowVersion: number;
  /** True between asking the host for a snapshot and receiving it: batches in between are in the snapshot. */
  awaitingSnapshot: boolean;
  /** Malformed items received from the host so far. */
  malformed: number;
}

const PALETTE_SIZE = 8;
const SAVE_DEBOUNCE_MS = 150;

const vscode = acquireVsCodeApi();

/** Sends one message to the host. */
export const post = (m: FromFeed): void => vscode.postMessage(m);

function restore(saved: Partial<PersistedState>): PersistedState {
  return {
    filter: typeof saved.filter === 'string' ? saved.filter : '',
    regex: saved.regex === true,
    caseSensitive: saved.caseSensitive === true,
    hidden: Array.isArray(saved.hidden) ? saved.hidden.filter((x) => typeof x === 'string') : [],
    paused: saved.paused === true,
    lastSeenKey: saved.lastSeenKey,
    anchorKey: saved.anchorKey,
    stick: saved.stick !== false,
    relative: saved.relative === true,
    selectedKey: saved.selectedKey,
    expandedKey: saved.expandedKey,
    raw: saved.raw === true,
  };
}

/** The persisted state, restored from the last time this view was shown. */
export const st: PersistedState = restore((vscode.getState() ?? {}) as Partial<PersistedState>);

/** The page's state. */
export const view: ViewState = {
  model: new FeedModel(defaultMaxEvents),
  rates: new RateMeter(60),
  streams: [],
  onlyStream: undefined,
  currentFilter: undefined,
  savedFilters: [],
  initialized: false,
  selectedSeq: -1,
  expandedSeq: -1,
  unseen: 0,
  rowVersion: 0,
  awaitingSnapshot: false,
  malformed: 0,
};

let saveTimer: ReturnType<typeof setTimeout> | undefined;
let topRowKey: () => string | undefined = () => undefined;

/** Tells the state which row is at the top of the viewport (the grid knows; saved as the scroll anchor). */
export function setTopRowKey(read: () => string | undefined): void {
  topRowKey = read;
}

/** Saves the persisted state soon (debounced). */
export function saveState(): void {
  if (saveTimer) return;
  // Marked on the document while a save waits, so a test can wait for the state to be saved rather than for time.
  document.body.dataset.statePending = '1';
  saveTimer = setTimeout(() => {
    saveTimer = undefined;
    delete document.body.dataset.statePending;
    const model = view.model;
    st.paused = model.paused;
    const sel = view.selectedSeq >= 0 ? model.store.bySeq(view.selectedSeq) : undefined;
    st.selectedKey = sel?.key;
    const exp = view.expandedSeq >= 0 ? model.store.bySeq(view.expandedSeq) : undefined;
    st.expandedKey = exp?.key;
    if (!st.stick) st.anchorKey = topRowKey();
    else st.anchorKey = undefined;
    vscode.setState(st);
  }, SAVE_DEBOUNCE_MS);
}

/** The palette index (0..7) of a stream: the host's colour when it sent one, else a hash of the id. */
export function streamColor(id: string): number {
  const s = view.streams.find((x) => x.id === id);
  if (s) return ((s.color % PALETTE_SIZE) + PALETTE_SIZE) % PALETTE_SIZE;
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return Math.abs(h) % PALETTE_SIZE;
}

/** The display label of a stream (its id when the host sent none). */
export function streamLabel(id: string): string {
  return view.streams.find((x) => x.id === id)?.label ?? id;
}
