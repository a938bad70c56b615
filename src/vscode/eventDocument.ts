/**
 * "Open Event as JSON": a read-only virtual document per event, scheme `chain-watch`,
 * URI `chain-watch:/<stream>/<readable title>.json?<stream and event id>` (the tab shows the title, e.g.
 * `SwapEvent · 2FceBe…KA2.json`; the query says exactly which event). The event is kept once opened, so the
 * document still renders after the event has left the stream's recent list.
 */
import * as vscode from 'vscode';
import type { ChainEvent } from '../core/event';
import { eventTitle } from '../core/event';
import { redact } from '../core/redact';

/** URI scheme of event documents. */
export const EVENT_SCHEME = 'chain-watch';

/** Events kept for open documents. */
const MAX_KEPT = 200;

/** The URI of an event's document. */
export function eventUri(ev: ChainEvent): vscode.Uri {
  const query = new URLSearchParams({ stream: ev.stream, id: ev.id }).toString();
  return vscode.Uri.from({ scheme: EVENT_SCHEME, path: `/${encodeURIComponent(ev.stream)}/${eventTitle(ev)}.json`, query });
}

/** The document text: the normalized fields, then the payload as received. */
export function eventJson(ev: ChainEvent): string {
  const { payload, ...fields } = ev;
  return redact(JSON.stringify({ ...fields, payload }, null, 2)) + '\n';
}

/** Provides event documents; look-ups fall back to `find` (the stream's recent events). */
export class EventDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly kept = new Map<string, ChainEvent>();
  private readonly reg: vscode.Disposable;

  constructor(private readonly find: (stream: string, id: string) => ChainEvent | undefined) {
    this.reg = vscode.workspace.registerTextDocumentContentProvider(EVENT_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const q = new URLSearchParams(uri.query);
    const stream = q.get('stream');
    const id = q.get('id');
    if (stream === null || id === null) return `// not a Chain Watch event: ${uri.path}\n`;
    const ev = this.kept.get(`${stream}\n${id}`) ?? this.find(stream, id);
    return ev ? eventJson(ev) : `// event ${id} of stream ${stream} is no longer in memory\n`;
  }

  /** Opens the event's document (read-only, JSON). */
  async open(ev: ChainEvent): Promise<vscode.TextEditor> {
    this.kept.set(`${ev.stream}\n${ev.id}`, ev);
    while (this.kept.size > MAX_KEPT) this.kept.delete(this.kept.keys().next().value as string);
    const doc = await vscode.workspace.openTextDocument(eventUri(ev));
    const json = await vscode.languages.setTextDocumentLanguage(doc, 'json');
    return vscode.window.showTextDocument(json, { preview: true });
  }

  dispose(): void {
    this.reg.dispose();
  }
}
