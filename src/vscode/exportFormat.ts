/**
 * Export formats for "Export Events...": NDJSON (one event per line), JSON (an array) and CSV (one row per event,
 * the payload as compact JSON in the last column). Pure: no 'vscode' import.
 */
import type { ChainEvent } from '../core/event';
import type { ExportFormat } from '../feed/protocol';

/** CSV columns, in order. */
export const CSV_COLUMNS = ['receivedAt', 'stream', 'provider', 'kind', 'name', 'id', 'digest', 'sequence', 'checkpoint', 'timestamp', 'type', 'sender', 'removed', 'payload'] as const;

/**
 * Quotes a CSV field when needed (RFC 4180, and a `;` too: spreadsheets set to `;`-separated files would split the
 * field there and read what follows as a formula); a leading `=+-@` is prefixed with `'` so spreadsheets do not run it.
 */
export function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  let s = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(s) && typeof value === 'string') s = `'${s}`;
  return /[",;\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Formats events in `format`. */
export function formatEvents(events: readonly ChainEvent[], format: ExportFormat): string {
  switch (format) {
    case 'ndjson':
      return events.map((e) => JSON.stringify(e)).join('\n') + (events.length ? '\n' : '');
    case 'json':
      return JSON.stringify(events, null, 2) + '\n';
    case 'csv': {
      const rows = [CSV_COLUMNS.join(',')];
      for (const e of events) {
        rows.push(
          CSV_COLUMNS.map((c) => {
            if (c === 'receivedAt') return csvField(new Date(e.receivedAt).toISOString());
            return csvField((e as unknown as Record<string, unknown>)[c]);
          }).join(','),
        );
      }
      return rows.join('\r\n') + '\r\n';
    }
  }
}
