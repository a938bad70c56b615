/**
 * The host's answer to each message a feed webview sends (the `FromFeed` switch). What needs VS Code (clipboard,
 * dialogs, documents, global state) goes through {@link FeedActions}, so the switch runs in plain Node tests.
 */
import type { ChainEvent } from '../../core/event';
import { redact } from '../../core/redact';
import { assertNever } from '../../feed/protocol';
import { isChipValue } from '../../feed/row';
import type { ExportFormat, ExportScope, SavedFilter } from '../../feed/protocol';
import type { FeedClient, FeedHub, FeedMessageHandler } from './hub';

/** Said when a row's event has left the host's memory. */
export const NOT_IN_MEMORY = 'Chain Watch: that event is no longer in memory (it is still in the journal).';
const MAX_LOGGED_CHARS = 500;
const FILTER_NAME_CHARS = 40;

/** The host-side effects a feed message can ask for. */
export interface FeedActions {
  /** Copies text and says so briefly. */
  copy(what: 'digest' | 'json' | 'value', text: string): Promise<void>;
  /** Opens an explorer URL (undefined: says there is no link for the value, or that an event from a local endpoint has none). */
  openUrl(url: string | undefined, local: boolean): Promise<void>;
  /** Opens an event as a JSON document. */
  openJson(event: ChainEvent): Promise<void>;
  /** Shows an informational message. */
  info(message: string): void;
  /** Asks where to write, writes the events; resolves with the outcome message, or undefined when cancelled. */
  exportEvents(events: ChainEvent[], format: ExportFormat, scope: ExportScope, onlyStream: string | undefined): Promise<string | undefined>;
  /** Asks for the name of a filter to save. */
  askFilterName(suggested: string): Promise<string | undefined>;
  /** The saved filters. */
  savedFilters(): SavedFilter[];
  /** Stores the saved filters. */
  storeSavedFilters(filters: SavedFilter[]): Promise<void>;
  /** Logs a warning (already redacted). */
  warn(message: string): void;
  /** The Feed view (not a panel) was paused or resumed: its title bar switches Pause / Resume. */
  viewPaused?(paused: boolean): void;
  /** An event's declaration in the workspace as plain text (or why there is none); undefined: no source lookup. */
  describeSource?(event: ChainEvent): Promise<string | undefined>;
}

/**
 * Opens the explorer page of a digest or address seen on a held stream. Only validated values become links; a
 * value that is not one does nothing. Resolves with the URL opened.
 */
export async function openExplorer(hub: FeedHub, actions: FeedActions, stream: string, target: 'tx' | 'address' | 'object', value: string): Promise<string | undefined> {
  if (!isChipValue(value)) return undefined;
  const { url, local } = hub.explorerUrl(stream, target, value);
  await actions.openUrl(url, local);
  return url;
}

/** The handler a {@link FeedHub} runs for each webview message. */
export function feedMessageHandler(hub: FeedHub, actions: FeedActions): FeedMessageHandler {
  const storeFilters = async (list: SavedFilter[]) => {
    await actions.storeSavedFilters(list);
    hub.broadcast({ type: 'savedFilters', filters: list });
  };
  return async (client: FeedClient, msg) => {
    switch (msg.type) {
      case 'ready':
        await hub.ready(client, actions.savedFilters());
        break;
      case 'copy':
        if (typeof msg.text !== 'string') return;
        await actions.copy(msg.what, msg.text);
        break;
      case 'openExplorer':
        await openExplorer(hub, actions, String(msg.stream), msg.target, String(msg.value));
        break;
      case 'openJson': {
        const ev = await hub.wholeEvent(String(msg.stream), String(msg.id));
        if (ev) await actions.openJson(ev);
        else actions.info(NOT_IN_MEMORY);
        break;
      }
      case 'export': {
        const format = msg.format;
        if (format !== 'ndjson' && format !== 'json' && format !== 'csv') return;
        const events = Array.isArray(msg.events) ? (msg.events as ChainEvent[]) : [];
        if (events.length === 0) {
          void client.webview.postMessage({ type: 'exported', ok: false, message: 'nothing to export' });
          return;
        }
        const message = await actions.exportEvents(events, format, msg.scope, client.onlyStream);
        if (message !== undefined) void client.webview.postMessage({ type: 'exported', ok: true, message });
        break;
      }
      case 'saveFilter': {
        const name = await actions.askFilterName(String(msg.filter.text).slice(0, FILTER_NAME_CHARS));
        if (!name) return;
        const list = actions.savedFilters().filter((f) => f.name !== name);
        list.push({ name, text: String(msg.filter.text), regex: msg.filter.regex === true, caseSensitive: msg.filter.caseSensitive === true });
        await storeFilters(list);
        break;
      }
      case 'deleteFilter':
        await storeFilters(actions.savedFilters().filter((f) => f.name !== msg.name));
        break;
      case 'paused':
        if (client.onlyStream === undefined) actions.viewPaused?.(msg.paused === true);
        break;
      case 'resync':
        await hub.resync(client);
        break;
      case 'describeSource': {
        const stream = String(msg.stream);
        const id = String(msg.id);
        const ev = await hub.wholeEvent(stream, id);
        const text = ev ? await actions.describeSource?.(ev) : undefined;
        if (text !== undefined) void client.webview.postMessage({ type: 'sourceInfo', stream, id, text });
        break;
      }
      case 'error':
        actions.warn(`feed webview: ${redact(String(msg.message)).slice(0, MAX_LOGGED_CHARS)}`);
        break;
      default:
        assertNever(msg);
    }
  };
}
