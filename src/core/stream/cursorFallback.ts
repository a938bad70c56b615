/**
 * {@link sendableMode}: a resume cursor the transport cannot carry (an SSE `Last-Event-ID` header cannot hold every
 * id) falls back to `mode=resume`, the server's buffer replayed and deduplicated by identity, and the user is told.
 */
import { redact } from '../redact';
import type { ResolvedMode } from './streamTransport';

/**
 * `mode` as it can be sent: unchanged, unless it resumes after an id for which `problemOf` names a problem; then
 * `resume`, after `warn` got the words (the id shown at most 80 characters, escaped, redacted).
 */
export function sendableMode(mode: ResolvedMode, problemOf: (id: string) => string | undefined, warn: (words: string) => void): ResolvedMode {
  if (mode.kind !== 'after') return mode;
  const problem = problemOf(mode.id);
  if (!problem) return mode;
  warn(`cannot resume after id ${preview(mode.id)}: ${problem}; replaying the server's buffer with mode=resume instead`);
  return { kind: 'resume' };
}

/** An id for a message: at most 80 characters, invisible characters escaped, redacted. */
function preview(id: string): string {
  const shown = id.length > 80 ? `${id.slice(0, 80)}…` : id;
  return redact(JSON.stringify(shown));
}
