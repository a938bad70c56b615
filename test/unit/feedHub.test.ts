import * as assert from 'assert';
import { FakeClock } from '../../src/core/clock';
import type { Disposable } from '../../src/core/emitter';
import type { ChainEvent } from '../../src/core/event';
import { setEventSize } from '../../src/core/event';
import type { GapInfo, StreamNotice } from '../../src/core/stream/stream';
import type { ExportFormat, ExportScope, FromFeed, SavedFilter, ToFeed } from '../../src/feed/protocol';
import { FeedHub } from '../../src/vscode/feed/hub';
import type { FeedWebview } from '../../src/vscode/feed/hub';
import { feedMessageHandler, NOT_IN_MEMORY } from '../../src/vscode/feed/messages';
import type { FeedActions } from '../../src/vscode/feed/messages';
import type { FeedSource, FeedSourceStream } from '../../src/vscode/feed/source';

const ev = (stream: string, n: number, extra: Partial<ChainEvent> = {}): ChainEvent => ({
  id: `${n}_0`,
  stream,
  provider: 'warp',
  kind: 'event',
  name: 'event',
  receivedAt: 1_700_000_000_000 + n,
  payload: { n },
  ...extra,
});

/** A source whose streams and events the test pushes. */
class FakeSource implements FeedSource {
  list: FeedSourceStream[] = [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }];
  held: ChainEvent[] = [];
  readEvent?: (stream: string, id: string) => Promise<ChainEvent | undefined>;
  private readonly events = new Set<(e: ChainEvent[]) => void>();
  private readonly gaps = new Set<(g: GapInfo) => void>();
  private readonly changed = new Set<() => void>();
  streams(): FeedSourceStream[] {
    return this.list;
  }
  recent(): ChainEvent[] {
    return this.held;
  }
  private on<T>(set: Set<T>, l: T): Disposable {
    set.add(l);
    return { dispose: () => set.delete(l) };
  }
  onStreamsChanged(l: () => void): Disposable {
    return this.on(this.changed, l);
  }
  onEvents(l: (e: ChainEvent[]) => void): Disposable {
    return this.on(this.events, l);
  }
  onGap(l: (g: GapInfo) => void): Disposable {
    return this.on(this.gaps, l);
  }
  onNotice(_l: (n: StreamNotice) => void): Disposable {
    return { dispose: () => undefined };
  }
  emit(...e: ChainEvent[]): void {
    for (const l of this.events) l(e);
  }
  gap(g: GapInfo): void {
    for (const l of this.gaps) l(g);
  }
  change(): void {
    for (const l of this.changed) l();
  }
  get listeners(): number {
    return this.events.size + this.gaps.size + this.changed.size;
  }
}

/** A webview that records what the host posts and lets the test send messages from the page. */
class FakeWebview implements FeedWebview {
  posted: ToFeed[] = [];
  private listener: ((m: unknown) => void) | undefined;
  postMessage(message: ToFeed): Promise<boolean> {
    this.posted.push(message);
    return Promise.resolve(true);
  }
  onDidReceiveMessage(listener: (m: unknown) => void): Disposable {
    this.listener = listener;
    return { dispose: () => (this.listener = undefined) };
  }
  /** Sends a message from the page and waits for the host to handle it. */
  async send(m: FromFeed | unknown): Promise<void> {
    this.listener?.(m);
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }
  of<T extends ToFeed['type']>(type: T): Extract<ToFeed, { type: T }>[] {
    return this.posted.filter((m): m is Extract<ToFeed, { type: T }> => m.type === type);
  }
}

/** Actions that record what the switch asked for. */
class FakeActions implements FeedActions {
  calls: string[] = [];
  filters: SavedFilter[] = [];
  filterName: string | undefined = 'mine';
  exportAnswer: string | undefined = 'wrote 1 events to x.ndjson';
  exported: { events: ChainEvent[]; format: ExportFormat; scope: ExportScope; onlyStream?: string }[] = [];
  async copy(what: string, text: string): Promise<void> {
    this.calls.push(`copy ${what} ${text}`);
  }
  async openUrl(url: string | undefined, simulated: boolean): Promise<void> {
    this.calls.push(`url ${url}${simulated ? ' (simulated)' : ''}`);
  }
  async openJson(event: ChainEvent): Promise<void> {
    this.calls.push(`json ${event.stream}/${event.id}`);
  }
  info(message: string): void {
    this.calls.push(`info ${message}`);
  }
  async exportEvents(events: ChainEvent[], format: ExportFormat, scope: ExportScope, onlyStream: string | undefined): Promise<string | undefined> {
    this.exported.push({ events, format, scope, ...(onlyStream ? { onlyStream } : {}) });
    return this.exportAnswer;
  }
  async askFilterName(suggested: string): Promise<string | undefined> {
    this.calls.push(`ask ${suggested}`);
    return this.filterName;
  }
  savedFilters(): SavedFilter[] {
    return this.filters;
  }
  async storeSavedFilters(filters: SavedFilter[]): Promise<void> {
    this.filters = filters;
  }
  warn(message: string): void {
    this.calls.push(`warn ${message}`);
  }
  describeSource?: (event: ChainEvent) => Promise<string | undefined>;
}

function setup(maxEvents = 100) {
  const clock = new FakeClock();
  const source = new FakeSource();
  const actions = new FakeActions();
  const errors: unknown[] = [];
  const hub = new FeedHub(source, { maxEvents, clock, messages: (h) => feedMessageHandler(h, actions), onError: (e) => errors.push(e) });
  return { clock, source, actions, hub, errors };
}

describe('FeedHub (fake webview, fake clock)', () => {
  it('posts nothing before ready, then init with the held rows, then batches at most every 50 ms', async () => {
    const { clock, source, hub } = setup();
    source.held = [ev('a', 1)];
    source.emit(ev('a', 2));
    const w = new FakeWebview();
    hub.attach(w);
    source.emit(ev('a', 3));
    clock.advance(1000);
    assert.deepStrictEqual(w.posted, []);
    await w.send({ type: 'ready' });
    const [init] = w.of('init');
    assert.ok(init);
    assert.deepStrictEqual(init.items.map((i) => (i.kind === 'event' ? i.event.id : '?')), ['1_0', '2_0', '3_0']);
    assert.deepStrictEqual(init.streams.map((s) => [s.id, s.color]), [['a', 0], ['b', 1]]);
    assert.strictEqual(hub.liveClients, 1);
    source.emit(ev('a', 4));
    source.emit(ev('b', 5));
    assert.strictEqual(w.of('items').length, 0, 'nothing before the batch interval');
    clock.advance(49);
    assert.strictEqual(w.of('items').length, 0);
    clock.advance(1);
    const batches = w.of('items');
    assert.strictEqual(batches.length, 1);
    assert.deepStrictEqual(batches[0]!.items.map((i) => (i.kind === 'event' ? i.event.id : '?')), ['4_0', '5_0']);
  });

  it('a panel gets only its stream; a hidden webview gets nothing until it says ready again', async () => {
    const { clock, source, hub } = setup();
    const w = new FakeWebview();
    const sub = hub.attach(w, 'b');
    await w.send({ type: 'ready' });
    assert.strictEqual(w.of('init')[0]!.onlyStream, 'b');
    source.emit(ev('a', 1), ev('b', 2));
    clock.advance(50);
    assert.deepStrictEqual(w.of('items').flatMap((m) => m.items.map((i) => (i.kind === 'event' ? i.event.stream : '?'))), ['b']);
    sub.hidden();
    source.emit(ev('b', 3));
    clock.advance(50);
    assert.strictEqual(w.of('items').length, 1);
    assert.strictEqual(hub.liveClients, 0);
    await w.send({ type: 'ready' });
    const again = w.of('init')[1]!;
    assert.deepStrictEqual(again.items.map((i) => (i.kind === 'event' ? i.event.id : '?')), ['2_0', '3_0']);
    sub.dispose();
    source.emit(ev('b', 4));
    clock.advance(50);
    assert.strictEqual(w.of('items').length, 1, 'a disposed webview gets nothing');
  });

  it('keeps at most maxEvents rows and tells webviews when the cap changes', async () => {
    const { source, hub } = setup(3);
    for (let i = 1; i <= 5; i++) source.emit(ev('a', i));
    assert.strictEqual(hub.size, 3);
    const w = new FakeWebview();
    hub.attach(w);
    await w.send({ type: 'ready' });
    assert.deepStrictEqual(w.of('init')[0]!.items.map((i) => (i.kind === 'event' ? i.event.id : '?')), ['3_0', '4_0', '5_0']);
    hub.setMaxEvents(2);
    assert.strictEqual(hub.size, 2);
    assert.deepStrictEqual(w.of('config'), [{ type: 'config', maxEvents: 2 }]);
  });

  it('coalesces stream changes over 100 ms and posts only a changed list; colours stay with their stream, removed ones marked gone', async () => {
    const { clock, source, hub } = setup();
    const w = new FakeWebview();
    hub.attach(w);
    await w.send({ type: 'ready' });
    source.list = [{ id: 'b', label: 'B', state: 'live' }, { id: 'c', label: 'C' }];
    source.change();
    source.change();
    clock.advance(99);
    assert.strictEqual(w.of('streams').length, 0);
    clock.advance(1);
    assert.deepStrictEqual(w.of('streams')[0]!.streams, [
      { id: 'b', label: 'B', color: 1, state: 'live' },
      { id: 'c', label: 'C', color: 2 },
      { id: 'a', label: 'A', color: 0, gone: true },
    ]);
    source.change();
    clock.advance(100);
    assert.strictEqual(w.of('streams').length, 1, 'the same list is not posted twice');
  });

  it('a command waits for the next ready webview only when it reveals the view', async () => {
    const { hub } = setup();
    hub.command('clear');
    hub.command('export');
    const w = new FakeWebview();
    hub.attach(w);
    await w.send({ type: 'ready' });
    assert.deepStrictEqual(w.posted.map((m) => m.type), ['init', 'command']);
    assert.deepStrictEqual(w.of('command'), [{ type: 'command', command: 'export' }]);
    hub.command('togglePause');
    assert.deepStrictEqual(w.of('command')[1], { type: 'command', command: 'togglePause' });
  });

  it('resync drops the queued batch and answers with a snapshot that folds in events the history never saw', async () => {
    const { clock, source, hub } = setup();
    const w = new FakeWebview();
    hub.attach(w);
    await w.send({ type: 'ready' });
    source.emit(ev('a', 2));
    source.held = [ev('a', 1), ev('a', 2)];
    await w.send({ type: 'resync' });
    clock.advance(50);
    assert.strictEqual(w.of('items').length, 0, 'the batch is in the snapshot');
    assert.deepStrictEqual(w.of('snapshot')[0]!.items.map((i) => (i.kind === 'event' ? i.event.id : '?')), ['1_0', '2_0']);
  });

  it('routes copy, explorer, JSON, export, saved filters and errors to the actions', async () => {
    const { source, hub, actions } = setup();
    source.emit(ev('a', 1, { digest: '9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM' }));
    const w = new FakeWebview();
    hub.attach(w);
    await w.send({ type: 'ready' });
    await w.send({ type: 'copy', what: 'digest', text: '9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM' });
    await w.send({ type: 'copy', what: 'value', text: 42 });
    await w.send({ type: 'openExplorer', stream: 'a', target: 'tx', value: '9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM' });
    await w.send({ type: 'openExplorer', stream: 'a', target: 'tx', value: 'javascript:alert(1)' });
    await w.send({ type: 'openJson', stream: 'a', id: '1_0' });
    await w.send({ type: 'openJson', stream: 'a', id: 'gone' });
    await w.send({ type: 'error', message: 'boom' });
    assert.deepStrictEqual(actions.calls.filter((c) => !c.startsWith('url')), [
      'copy digest 9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM',
      'json a/1_0',
      `info ${NOT_IN_MEMORY}`,
      'warn feed webview: boom',
    ]);
    const urls = actions.calls.filter((c) => c.startsWith('url'));
    assert.strictEqual(urls.length, 1, 'a value that is not a digest opens nothing');
    assert.match(urls[0]!, /^url https:\/\/.+9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM/);

    await w.send({ type: 'export', format: 'csv', scope: 'all', events: [] });
    await w.send({ type: 'export', format: 'exe', scope: 'all', events: [ev('a', 1)] });
    await w.send({ type: 'export', format: 'ndjson', scope: 'filtered', events: [ev('a', 1)] });
    assert.deepStrictEqual(w.of('exported'), [
      { type: 'exported', ok: false, message: 'nothing to export' },
      { type: 'exported', ok: true, message: 'wrote 1 events to x.ndjson' },
    ]);
    assert.deepStrictEqual(actions.exported.map((e) => [e.format, e.scope, e.events.length]), [['ndjson', 'filtered', 1]]);

    await w.send({ type: 'saveFilter', filter: { text: 'type:Swap', regex: false, caseSensitive: true } });
    assert.deepStrictEqual(actions.filters, [{ name: 'mine', text: 'type:Swap', regex: false, caseSensitive: true }]);
    assert.deepStrictEqual(w.of('savedFilters').at(-1), { type: 'savedFilters', filters: actions.filters });
    actions.filterName = undefined;
    await w.send({ type: 'saveFilter', filter: { text: 'x', regex: false, caseSensitive: false } });
    assert.strictEqual(actions.filters.length, 1, 'a cancelled name saves nothing');
    await w.send({ type: 'deleteFilter', name: 'mine' });
    assert.deepStrictEqual(actions.filters, []);
    assert.deepStrictEqual(w.of('savedFilters').at(-1), { type: 'savedFilters', filters: [] });
  });

  it('answers a hover on an event type with its declaration as text, and nothing for an event it no longer holds', async () => {
    const { source, hub, actions } = setup();
    source.emit(ev('a', 1, { type: 'Minted' }));
    const described: string[] = [];
    actions.describeSource = async (e: ChainEvent) => {
      described.push(`${e.stream}/${e.id}`);
      return `event Minted(address indexed to, uint256 amount)\n\nEmitted when tokens are minted.\n\nsrc/Token.sol:21`;
    };
    const w = new FakeWebview();
    hub.attach(w);
    await w.send({ type: 'ready' });
    await w.send({ type: 'describeSource', stream: 'a', id: '1_0' });
    await w.send({ type: 'describeSource', stream: 'a', id: 'gone' });
    assert.deepStrictEqual(described, ['a/1_0']);
    assert.deepStrictEqual(w.of('sourceInfo'), [
      { type: 'sourceInfo', stream: 'a', id: '1_0', text: 'event Minted(address indexed to, uint256 amount)\n\nEmitted when tokens are minted.\n\nsrc/Token.sol:21' },
    ]);
  });

  it('ignores messages without a type, resolves test waiters, and reports a failing action', async () => {
    const { hub, actions, errors } = setup();
    const w = new FakeWebview();
    hub.attach(w);
    await w.send(null);
    await w.send({ kind: 'ready' });
    assert.deepStrictEqual(w.posted, []);
    const waiting = hub.nextMessage('paused', 1000);
    await w.send({ type: 'paused', paused: true });
    assert.deepStrictEqual(await waiting, { type: 'paused', paused: true });
    actions.copy = () => Promise.reject(new Error('clipboard gone'));
    await w.send({ type: 'copy', what: 'json', text: '{}' });
    assert.deepStrictEqual(errors.map((e) => (e as Error).message), ['clipboard gone']);
  });

  it('dispose drops its source listeners and webviews', async () => {
    const { clock, source, hub } = setup();
    const w = new FakeWebview();
    hub.attach(w);
    await w.send({ type: 'ready' });
    hub.dispose();
    assert.strictEqual(source.listeners, 0);
    source.emit(ev('a', 1));
    clock.advance(100);
    assert.strictEqual(w.of('items').length, 0);
  });
});

describe('FeedHub: large payloads', () => {
  it('holds an event over 64 KiB as a summary row and reads it back whole for Open as JSON', async () => {
    const { source, hub } = setup();
    const big = ev('a', 1, { payload: { blob: 'x'.repeat(200_000) } });
    setEventSize(big, 200_100);
    const whole = { ...big };
    source.readEvent = async (stream, id) => (stream === 'a' && id === big.id ? whole : undefined);
    source.emit(big, ev('a', 2));
    const held = hub.findEvent('a', big.id) as ChainEvent & { payloadOmitted?: number };
    assert.strictEqual(held.payloadOmitted, 200_100);
    assert.ok(JSON.stringify(held.payload).length < 300, 'the row holds a summary');
    assert.strictEqual(await hub.wholeEvent('a', big.id), whole);
    const small = await hub.wholeEvent('a', '2_0');
    assert.deepStrictEqual(small?.payload, { n: 2 });
  });
});
