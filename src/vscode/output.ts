/**
 * Output: the "Chain Watch" LogOutputChannel (behind the core logger) and, per stream, an output channel with one
 * line per event, created on the stream's first event. Every line passes through `redact`; the last lines are
 * kept in memory for the test API ({@link OutputManager.lines}).
 */
import * as vscode from 'vscode';
import type { ChainEvent } from '../core/event';
import type { LogLevel, LogSink } from '../core/logger';
import { redact } from '../core/redact';

/** Longest compact JSON written per event line (characters); longer payloads are cut with an ellipsis. */
export const MAX_JSON_CHARS = 2_000;

/** One line per event: `time kind type digest json`. */
export function eventLine(ev: ChainEvent): string {
  const time = new Date(ev.receivedAt).toISOString();
  let json: string;
  try {
    json = JSON.stringify(ev.payload) ?? 'null';
  } catch {
    json = '"<unserializable payload>"';
  }
  if (json.length > MAX_JSON_CHARS) json = json.slice(0, MAX_JSON_CHARS) + '…';
  const flag = ev.removed ? ' [removed]' : '';
  return `${time} ${ev.name} ${ev.type ?? '-'} ${ev.digest ?? '-'}${flag} ${json}`;
}

/** Owns the output channels. */
export class OutputManager implements LogSink, vscode.Disposable {
  /** The "Chain Watch" log channel. */
  readonly channel: vscode.LogOutputChannel;
  private readonly perStream = new Map<string, vscode.OutputChannel>();
  private readonly kept: string[] = [];

  /** @param keep lines kept in memory for {@link lines} (default 5,000). */
  constructor(private readonly keep = 5_000) {
    this.channel = vscode.window.createOutputChannel('Chain Watch', { log: true });
  }

  /**
   * LogSink: raw frames (`trace`) are formatted and redacted only while the channel shows them (its level is
   * Trace); every other level is always kept (and remembered for {@link lines}).
   */
  enabled(level: LogLevel): boolean {
    return level !== 'trace' || this.channel.logLevel === vscode.LogLevel.Trace;
  }

  /** LogSink: core logger lines land in the log channel at their level (redacted again: defence in depth). */
  log(level: LogLevel, message: string): void {
    const text = redact(message);
    this.remember(`[${level}] ${text}`);
    this.channel[level](text);
  }

  /** Writes one line per event to the stream's channel (created on first use, named after the label). */
  events(streamId: string, label: string, events: readonly ChainEvent[]): void {
    let ch = this.perStream.get(streamId);
    if (!ch) {
      ch = vscode.window.createOutputChannel(`Chain Watch: ${label}`);
      this.perStream.set(streamId, ch);
    }
    const lines = events.map((e) => redact(eventLine(e)));
    for (const l of lines) this.remember(`[${streamId}] ${l}`);
    ch.append(lines.join('\n') + '\n');
  }

  /** Shows a stream's channel, or the log when it has none yet. */
  show(streamId?: string): void {
    const ch = streamId ? this.perStream.get(streamId) : undefined;
    (ch ?? this.channel).show(true);
  }

  /** Closes a removed stream's channel. */
  dropStream(streamId: string): void {
    this.perStream.get(streamId)?.dispose();
    this.perStream.delete(streamId);
  }

  /** Everything written to any channel (the last `keep` lines). */
  lines(): string[] {
    return this.kept.slice();
  }

  dispose(): void {
    for (const ch of this.perStream.values()) ch.dispose();
    this.perStream.clear();
    this.channel.dispose();
  }

  private remember(line: string): void {
    this.kept.push(line);
    if (this.kept.length > this.keep + 500) this.kept.splice(0, this.kept.length - this.keep);
  }
}
