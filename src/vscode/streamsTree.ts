/**
 * The Streams view (`chainWatch.streams`): one item per stream (state, count, rate, themed icon, markdown tooltip,
 * `contextValue` by state) with its most recent events as children, and a badge for unseen events or errors.
 *
 * Rows hold still under the pointer: tooltips are computed on hover (`resolveTreeItem`), and each hover holds every
 * refresh for {@link HOLD_MS} (the view's description counts the events held back), so an inline action lands on
 * the row the pointer aimed at and a tooltip is not torn down by the next tick. Only rows whose label,
 * description, icon or menus changed are refreshed.
 */
import * as vscode from 'vscode';
import type { ChainEvent } from '../core/event';
import type { StreamRegistry, RegisteredStream } from '../core/stream/streamRegistry';
import { describeStatus, groupDigits, shortDuration, streamContextValue, typeName } from '../core/stream/streamText';
import { shortHash } from '../feed/rowFormat';
import type { StreamStatus } from '../core/stream/stream';
import { redact } from '../core/redact';
import { recentEventsInTree } from './settings';
import { untrustedMarkdown } from '../core/untrustedText';
import { gapLabel } from '../feed/rowFormat';
import { suiRowText } from '../core/sui/suiTransaction';

/** A stream row. */
export interface StreamNode {
  readonly kind: 'stream';
  readonly id: string;
}

/** An event row under a stream. */
export interface EventNode {
  readonly kind: 'event';
  readonly stream: string;
  readonly event: ChainEvent;
}

/** The placeholder under a stream that has no events yet. */
export interface EmptyNode {
  readonly kind: 'empty';
  readonly stream: string;
}

/** Any row of the Streams view. */
export type TreeNode = StreamNode | EventNode | EmptyNode;

/** How often descriptions are refreshed while something is running ("reconnecting in 8s", rates), ms. */
const TICK_MS = 1_000;
/** Live rows only need their rate and ages refreshed this often, ms (every re-render cancels a pending hover). */
const LIVE_TICK_MS = 3_000;
/** Event bursts are coalesced into one refresh per this many ms. */
const REFRESH_MS = 1_000;
/** A hover (a tooltip being resolved) holds the view still for this long, ms. */
export const HOLD_MS = 5_000;

/** `4fJkLm…9xQ2` for a long digest (undefined stays undefined). */
function shortDigest(d: string | undefined): string | undefined {
  return d ? shortHash(d, 6, 4) : undefined;
}

function stateIcon(st: StreamStatus): vscode.ThemeIcon {
  switch (st.state) {
    case 'live':
      return new vscode.ThemeIcon('radio-tower', new vscode.ThemeColor('charts.green'));
    case 'connecting':
      return new vscode.ThemeIcon('loading~spin');
    case 'reconnecting':
      return new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.yellow'));
    case 'idle':
      return new vscode.ThemeIcon('circle-outline');
    case 'stopped':
      switch (st.stopReason) {
        case 'paused':
          return new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('charts.yellow'));
        case 'user':
        case undefined:
          return new vscode.ThemeIcon('debug-disconnect');
        case 'no_key':
          return new vscode.ThemeIcon('key', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        default:
          return new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      }
  }
}

function md(): vscode.MarkdownString {
  const m = new vscode.MarkdownString(undefined, true);
  m.isTrusted = false;
  m.supportHtml = false;
  return m;
}

/** Escapes text for markdown (event data is attacker-controlled). */
function esc(text: string): string {
  return untrustedMarkdown(text, 500);
}

/** The Streams view's data provider and its TreeView. */
export class StreamsTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<TreeNode>;
  private readonly nodes = new Map<string, StreamNode>();
  private readonly subs: vscode.Disposable[] = [];
  private dirty = new Set<string>();
  private all = false;
  /** Streams whose recent events changed since their last refresh (their children must be redrawn). */
  private eventsChanged = new Set<string>();
  /** What each stream row showed when last drawn (label, description, icon, context), to skip unchanged ones. */
  private readonly drawn = new Map<string, string>();
  /** When each stream row was last refreshed (`now()`, ms). */
  private readonly firedAt = new Map<string, number>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  /** Refreshes wait until this time (ms, `now()`): the pointer is on a row. */
  private holdUntil = 0;
  /** Events that arrived while the view held still. */
  private heldEvents = 0;

  constructor(
    private readonly registry: StreamRegistry,
    private readonly now: () => number = Date.now,
  ) {
    this.view = vscode.window.createTreeView('chainWatch.streams', { treeDataProvider: this, showCollapseAll: true });
    this.subs.push(
      this.view,
      this.changed,
      this.view.onDidChangeVisibility(() => this.updateBadge()),
      registry.onChange(() => this.schedule()),
      registry.onEvents((b) => {
        this.eventsChanged.add(b.stream);
        if (this.now() < this.holdUntil) {
          this.heldEvents += b.events.length;
          this.view.description = `${groupDigits(this.heldEvents)} new · holding still under the pointer`;
        }
        this.schedule(b.stream);
      }),
      registry.onStatus((s) => this.schedule(s.stream)),
      registry.onNotice(() => this.updateBadge()),
    );
    let ticks = 0;
    this.ticker = setInterval(() => {
      ticks++;
      if (!this.view.visible) return;
      for (const s of registry.list()) {
        const st = s.handle.status().state;
        if (st === 'reconnecting' || st === 'connecting' || (st === 'live' && ticks % (LIVE_TICK_MS / TICK_MS) === 0)) this.schedule(s.id);
      }
    }, TICK_MS);
  }

  /** The node object for a stream (stable, so refreshes keep expansion). */
  streamNode(id: string): StreamNode {
    let n = this.nodes.get(id);
    if (!n) {
      n = { kind: 'stream', id };
      this.nodes.set(id, n);
    }
    return n;
  }

  getChildren(element?: TreeNode): TreeNode[] {
    if (!element) {
      const ids = new Set(this.registry.list().map((s) => s.id));
      for (const id of [...this.nodes.keys()]) if (!ids.has(id)) this.nodes.delete(id);
      return this.registry.list().map((s) => this.streamNode(s.id));
    }
    if (element.kind !== 'stream') return [];
    const s = this.registry.get(element.id);
    if (!s) return [];
    const events = s.handle.recent(recentEventsInTree());
    if (events.length === 0) return [{ kind: 'empty', stream: element.id }];
    return events
      .slice()
      .reverse()
      .map((event) => ({ kind: 'event', stream: element.id, event }));
  }

  /** Called by VS Code on hover: computes the tooltip now (fresh), and holds the view still while it shows. */
  resolveTreeItem(item: vscode.TreeItem, element: TreeNode): vscode.TreeItem {
    this.hold();
    if (element.kind === 'stream') {
      const s = this.registry.get(element.id);
      if (s) item.tooltip = this.streamTooltip(s, s.handle.status());
    } else if (element.kind === 'event') {
      item.tooltip = eventTooltip(element.event);
    }
    return item;
  }

  /** Holds refreshes for {@link HOLD_MS} from now (a hover). */
  hold(): void {
    this.holdUntil = this.now() + HOLD_MS;
  }

  /** True while a hover holds the view still. */
  get holding(): boolean {
    return this.now() < this.holdUntil;
  }

  getParent(element: TreeNode): TreeNode | undefined {
    return element.kind === 'stream' ? undefined : this.streamNode(element.stream);
  }

  getTreeItem(element: TreeNode): vscode.TreeItem {
    switch (element.kind) {
      case 'stream': {
        // what VS Code draws (the test snapshot reads items without counting as drawn)
        const item = this.streamItem(element.id);
        this.drawn.set(element.id, itemSignature(item));
        return item;
      }
      case 'event':
        return this.eventItem(element);
      case 'empty': {
        const item = new vscode.TreeItem('No events yet', vscode.TreeItemCollapsibleState.None);
        item.id = `empty/${element.stream}`;
        item.contextValue = 'empty';
        const st = this.registry.get(element.stream)?.handle.status().state;
        item.description = st === 'live' ? 'waiting for the first event' : st === 'idle' || st === 'stopped' ? 'connect to receive events' : '';
        item.iconPath = new vscode.ThemeIcon('circle-small');
        return item;
      }
    }
  }

  /** Labels and descriptions as shown (tests). */
  snapshot(): Array<{ id: string; label: string; description: string; contextValue: string; children: Array<{ label: string; description: string; contextValue: string }> }> {
    // placeholders ("No events yet") are not events: tests see only real children
    return this.getChildren().map((n) => {
      const item = n.kind === 'stream' ? this.streamItem(n.id) : this.getTreeItem(n);
      return {
        id: (n as StreamNode).id,
        label: String(item.label),
        description: String(item.description ?? ''),
        contextValue: item.contextValue ?? '',
        children: this.getChildren(n).filter((c) => c.kind === 'event').map((c) => {
          const ci = this.getTreeItem(c);
          return { label: String(ci.label), description: String(ci.description ?? ''), contextValue: ci.contextValue ?? '' };
        }),
      };
    });
  }

  /** Refreshes every row now. */
  refresh(): void {
    this.changed.fire(undefined);
  }

  /** Shows the view (and a stream when given). */
  async reveal(streamId?: string): Promise<void> {
    if (streamId && this.registry.get(streamId)) {
      await this.view.reveal(this.streamNode(streamId), { select: true, focus: false, expand: true });
    } else {
      await vscode.commands.executeCommand('chainWatch.streams.focus');
    }
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (this.ticker) clearInterval(this.ticker);
    for (const s of this.subs) s.dispose();
  }

  private streamItem(id: string): vscode.TreeItem {
    const s = this.registry.get(id) as RegisteredStream;
    const def = s.handle.definition;
    const st = s.handle.status();
    const item = new vscode.TreeItem(def.label || def.id, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `stream/${id}`;
    const elsewhere = (s.handle as { heldElsewhere?: boolean }).heldElsewhere === true;
    item.description = elsewhere ? 'in another window' : describeStatus(st, this.now(), this.registry.rate(id));
    item.iconPath = elsewhere ? new vscode.ThemeIcon('multiple-windows') : stateIcon(st);
    item.contextValue = streamContextValue(st, s.origin);
    item.accessibilityInformation = { label: `${def.label || def.id}, ${item.description}` };
    return item;
  }

  private streamTooltip(s: RegisteredStream, st: StreamStatus): vscode.MarkdownString {
    const def = s.handle.definition;
    const now = this.now();
    const m = md();
    m.appendMarkdown(`**${esc(def.label || def.id)}**  \n`);
    const rows: Array<[string, string | undefined]> = [
      ['State', stateText(describeStatus(st, now, this.registry.rate(s.id)), st.message)],
      ['Provider', def.provider + (def.network ? ` · ${def.network}` : def.chainId ? ` · chain ${def.chainId}` : '')],
      ['Endpoint', st.endpoint ?? def.baseUrl],
      ['Transport', st.transport ?? def.transport ?? 'websocket'],
      ['Mode', st.mode],
      ['Last event id', st.lastEventId],
      ['Connected since', st.connectedSince ? `${new Date(st.connectedSince).toLocaleTimeString()} (${shortDuration(now - st.connectedSince)})` : undefined],
      ['Events (session)', groupDigits(st.eventCount)],
    ];
    const c = s.handle.credits();
    if (c.credits > 0) rows.push(['Credits used', `~${groupDigits(c.credits)} (${groupDigits(c.events)} events x 2 + ${groupDigits(c.intervals)} intervals x 4)`]);
    if (c.remaining !== undefined) rows.push(['Remaining quota', groupDigits(c.remaining)]);
    if (c.estimatedGoldRush !== undefined) rows.push(['GoldRush credits', `≈${groupDigits(c.estimatedGoldRush)} (estimate: 1 per started live minute)`]);
    if (st.lastGap) {
      rows.push(['Last reconnect', `${new Date(st.lastGap.resumedAt).toLocaleTimeString()}: ${gapLabel(st.lastGap)}`]);
      rows.push(['Why', st.lastGap.reason]);
    }
    rows.push(['Last error', st.lastError]);
    for (const [k, v] of rows) if (v !== undefined && v !== '') m.appendMarkdown(`${k}: ${esc(String(v))}  \n`);
    return m;
  }

  private eventItem(n: EventNode): vscode.TreeItem {
    const ev = n.event;
    const sui = suiRowText(ev);
    const item = new vscode.TreeItem(sui?.label ?? typeName(ev.type, ev.name), vscode.TreeItemCollapsibleState.None);
    item.id = `event/${n.stream}/${ev.id}`;
    const parts = [sui?.detail ?? ev.name, `${shortDuration(this.now() - ev.receivedAt)} ago`];
    const d = shortDigest(ev.digest);
    if (d) parts.push(d);
    item.description = parts.join(' · ');
    item.contextValue = ev.digest ? 'event.digest' : 'event';
    item.iconPath = new vscode.ThemeIcon(ev.removed ? 'discard' : ev.warnings?.length ? 'warning' : iconForKind(ev.kind));
    return item;
  }

  private schedule(streamId?: string): void {
    if (streamId === undefined) this.all = true;
    else this.dirty.add(streamId);
    this.updateBadge();
    this.arm(REFRESH_MS);
  }

  private arm(delayMs: number): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      const wait = this.holdUntil - this.now();
      if (wait > 0) {
        this.arm(wait);
        return;
      }
      this.flushRefresh();
    }, delayMs);
  }

  /** Fires the refreshes that are due: everything after a structural change, else only rows that look different. */
  private flushRefresh(): void {
    if (this.heldEvents) {
      this.heldEvents = 0;
      this.view.description = undefined;
    }
    if (this.all) {
      this.all = false;
      this.dirty.clear();
      this.eventsChanged.clear();
      this.changed.fire(undefined);
      return;
    }
    const now = this.now();
    const later = new Set<string>();
    for (const id of this.dirty) {
      if (!this.registry.get(id)) continue;
      const before = this.drawn.get(id);
      const after = itemSignature(this.streamItem(id));
      if (before === after && !this.eventsChanged.has(id)) continue;
      // a new state (icon, menus) shows at once; new events and counts at most every LIVE_TICK_MS, so a hover has
      // time to open its tooltip (which then holds the view) between two redraws of a busy stream
      const sameState = before !== undefined && before.split('\n')[2] === after.split('\n')[2] && before.split('\n')[3] === after.split('\n')[3];
      if (sameState && now - (this.firedAt.get(id) ?? 0) < LIVE_TICK_MS) {
        later.add(id);
        continue;
      }
      this.firedAt.set(id, now);
      this.eventsChanged.delete(id);
      this.changed.fire(this.streamNode(id));
    }
    this.dirty = later;
    for (const id of [...this.eventsChanged]) if (!later.has(id)) this.eventsChanged.delete(id);
    if (later.size) this.arm(LIVE_TICK_MS);
  }

  private updateBadge(): void {
    if (this.view.visible) {
      this.registry.markSeen();
      this.view.badge = undefined;
      return;
    }
    const u = this.registry.unseen();
    const value = u.events + u.errors;
    this.view.badge = value
      ? { value, tooltip: [u.events ? `${groupDigits(u.events)} new events` : '', u.errors ? `${u.errors} errors` : ''].filter(Boolean).join(', ') }
      : undefined;
  }
}

/** The description, plus the engine's message when it says more ("no API key saved for host X"). */
function stateText(description: string, message: string | undefined): string {
  if (!message) return description;
  const d = description.toLowerCase();
  const m = message.toLowerCase();
  return d.includes(m) || m === 'live' || m === 'connecting' || m === 'disconnected' || m === 'paused' ? description : `${description} (${message})`;
}

function iconForKind(kind: ChainEvent['kind']): string {
  switch (kind) {
    case 'event':
      return 'symbol-event';
    case 'coin':
      return 'symbol-constant';
    case 'object':
      return 'symbol-object';
    case 'address':
      return 'account';
    case 'log':
      return 'list-flat';
    case 'walletTx':
      return 'arrow-swap';
    case 'pair':
      return 'git-compare';
    case 'token':
      return 'symbol-number';
    case 'candle':
      return 'graph-line';
    case 'transaction':
      return 'arrow-right';
    case 'checkpoint':
      return 'milestone';
    default:
      return 'question';
  }
}

/** What a row shows (label, description, icon and colour, menus): equal signatures need no refresh. */
function itemSignature(item: vscode.TreeItem): string {
  const icon = item.iconPath instanceof vscode.ThemeIcon ? `${item.iconPath.id}/${JSON.stringify(item.iconPath.color ?? null)}` : '';
  return [String(item.label), String(item.description ?? ''), icon, item.contextValue ?? ''].join('\n');
}

/** An event row's tooltip: type, digest, sender, checkpoint, id, warnings and the payload (cut, redacted). */
function eventTooltip(ev: ChainEvent): vscode.MarkdownString {
  const m = md();
  m.appendMarkdown(`**${esc(ev.type ?? ev.name)}**  \n`);
  if (ev.digest) m.appendMarkdown(`Digest: ${esc(ev.digest)}  \n`);
  if (ev.sender) m.appendMarkdown(`Sender: ${esc(ev.sender)}  \n`);
  if (ev.checkpoint !== undefined) m.appendMarkdown(`${ev.provider === 'warp' || ev.provider === 'sui' ? 'Checkpoint' : 'Block'}: ${ev.checkpoint}  \n`);
  const chainTime = ev.timestamp === undefined ? NaN : new Date(ev.timestamp).getTime();
  if (!Number.isNaN(chainTime)) m.appendMarkdown(`Chain time: ${new Date(chainTime).toISOString()} (received ${new Date(ev.receivedAt).toISOString()})  \n`);
  m.appendMarkdown(`Id: ${esc(ev.id)}  \n`);
  if (ev.warnings?.length) m.appendMarkdown(`Warnings: ${esc(ev.warnings.join('; '))}  \n`);
  let json: string;
  try {
    json = JSON.stringify(ev.payload, null, 2) ?? '';
  } catch {
    json = '<unserializable>';
  }
  m.appendCodeblock(redact(json.length > 1500 ? json.slice(0, 1500) + '\n…' : json), 'json');
  return m;
}
