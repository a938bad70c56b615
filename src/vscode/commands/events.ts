/** The event commands: copy a digest, open in the explorer, open as JSON, export a stream's journal. */
import * as vscode from 'vscode';
import type { ChainEvent } from '../../core/event';
import { explorerTxUrl, LOCAL_EXPLORER_MESSAGE } from '../../core/explorers';
import type { RegisteredStream } from '../../core/stream/streamRegistry';
import type { ExportFormat } from '../../feed/protocol';
import { formatEvents } from '../exportFormat';
import { explorerOptionsFor } from '../settings';
import { shortHash } from '../../feed/rowFormat';
import type { Arg, CommandDeps } from './commandDeps';
import { pickEvent, pickStream, registerCommand, streamLabel } from './commandDeps';

async function copyDigest(d: CommandDeps, arg: Arg): Promise<string | undefined> {
  const ev = await pickEvent(d, arg, 'Copy Transaction Digest', (e) => !!e.digest);
  if (!ev?.digest) return undefined;
  await vscode.env.clipboard.writeText(ev.digest);
  vscode.window.setStatusBarMessage(`$(copy) Copied ${shortHash(ev.digest, 6, 4)}`, 2_000);
  return ev.digest;
}

async function openInExplorer(d: CommandDeps, arg: Arg): Promise<string | undefined> {
  const ev = await pickEvent(d, arg, 'Open in Explorer', (e) => !!e.digest);
  if (!ev) return undefined;
  const def = d.registry.get(ev.stream)?.handle.definition;
  const opts = explorerOptionsFor(def);
  const url = explorerTxUrl(ev, opts);
  if (!url) {
    void vscode.window.showWarningMessage(
      opts.local
        ? `Chain Watch: ${LOCAL_EXPLORER_MESSAGE}.`
        : 'Chain Watch: no explorer link for this event (no digest in a known format, or no explorer for this chain).',
    );
    return undefined;
  }
  await vscode.env.openExternal(vscode.Uri.parse(url, true));
  return url;
}

async function openEventJson(d: CommandDeps, arg: Arg): Promise<string | undefined> {
  const ev = await pickEvent(d, arg, 'Open Event as JSON');
  if (!ev) return undefined;
  const editor = await d.docs.open(ev);
  return editor.document.uri.toString();
}

async function exportEvents(d: CommandDeps, arg: Arg): Promise<string | undefined> {
  let streams: RegisteredStream[];
  if (arg) {
    const s = await pickStream(d, arg, 'Export Events');
    if (!s) return undefined;
    streams = [s];
  } else {
    const list = d.registry.list();
    if (!list.length) {
      void vscode.window.showInformationMessage('Chain Watch: no stream to export.');
      return undefined;
    }
    const picked = await d.prompter().pick(
      [{ label: 'All streams', id: '*' }, ...list.map((s) => ({ label: streamLabel(s), description: `${s.handle.status().eventCount} events this session`, id: s.id }))],
      { title: 'Export Events', placeholder: 'Which stream?', step: 1, totalSteps: 2 },
    );
    if (!picked) return undefined;
    streams = picked.id === '*' ? list : list.filter((s) => s.id === picked.id);
  }
  const fmt = await d.prompter().pick(
    [
      { label: 'NDJSON', description: 'one JSON event per line', format: 'ndjson' as ExportFormat, ext: 'ndjson' },
      { label: 'JSON', description: 'an array', format: 'json' as ExportFormat, ext: 'json' },
      { label: 'CSV', description: 'one row per event, payload as JSON', format: 'csv' as ExportFormat, ext: 'csv' },
    ],
    { title: 'Export Events', placeholder: 'Format', step: 2, totalSteps: 2 },
  );
  if (!fmt) return undefined;
  const base = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `chain-watch-${streams.length === 1 ? streams[0]!.id : 'all'}-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '')}.${fmt.ext}`;
  const target = await d.prompter().saveFile({ title: 'Export Events', filters: { [fmt.label]: [fmt.ext] }, ...(base ? { defaultUri: vscode.Uri.joinPath(base, name) } : {}) });
  if (!target) return undefined;
  const events: ChainEvent[] = [];
  for (const s of streams) events.push(...(await s.handle.readJournal()));
  events.sort((a, b) => a.receivedAt - b.receivedAt);
  await vscode.workspace.fs.writeFile(target, Buffer.from(formatEvents(events, fmt.format), 'utf8'));
  d.logger.info(`exported ${events.length} events to ${target.fsPath}`);
  void vscode.window.showInformationMessage(`Chain Watch: exported ${events.length} events.`);
  return target.toString();
}

/** Registers the event commands; returns the disposables. */
export function registerEventCommands(d: CommandDeps): vscode.Disposable[] {
  return [
    registerCommand(d, 'chainWatch.copyDigest', (arg: Arg) => copyDigest(d, arg)),
    registerCommand(d, 'chainWatch.openInExplorer', (arg: Arg) => openInExplorer(d, arg)),
    registerCommand(d, 'chainWatch.openEventJson', (arg: Arg) => openEventJson(d, arg)),
    registerCommand(d, 'chainWatch.exportEvents', (arg: Arg) => exportEvents(d, arg)),
  ];
}
