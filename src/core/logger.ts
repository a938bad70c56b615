import { redact } from './redact';
import { capText } from './untrustedText';

/** Longest log message, in characters: longer ones (server text, raw frames) are cut before they are redacted. */
export const LOG_MAX_CHARS = 8192;

/** Log levels, lowest first. `trace` carries raw frames. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/**
 * Where core code logs. The extension passes its LogOutputChannel behind this; tests collect lines.
 * Implementations receive text that is already redacted.
 */
export interface LogSink {
  log(level: LogLevel, message: string): void;
  /**
   * Whether a line at `level` would be kept. When it says no, the logger skips the line before cutting and
   * redacting it (raw frames at `trace` cost a redaction each). Absent: every line is kept.
   */
  enabled?(level: LogLevel): boolean;
}

/**
 * The logger core components receive. Every message is cut to {@link LOG_MAX_CHARS} and passes through
 * {@link redact} before reaching the sink.
 */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** A logger whose messages are prefixed with `[scope]`. */
  child(scope: string): Logger;
}

/** Builds a {@link Logger} over a sink; `prefix` is prepended to each message. */
export function createLogger(sink: LogSink, prefix = ''): Logger {
  const emit = (level: LogLevel, message: string) => {
    if (sink.enabled && !sink.enabled(level)) return;
    sink.log(level, redact(capText(prefix + message, LOG_MAX_CHARS)));
  };
  return {
    trace: (m) => emit('trace', m),
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
    child: (scope) => createLogger(sink, `${prefix}[${scope}] `),
  };
}

/** A logger that drops everything. */
export const nullLogger: Logger = createLogger({ log: () => undefined, enabled: () => false });

/** A sink that keeps lines in memory (tests, the extension's API). */
export class MemorySink implements LogSink {
  readonly lines: Array<{ level: LogLevel; message: string }> = [];
  constructor(private readonly max = 5_000) {}
  log(level: LogLevel, message: string): void {
    this.lines.push({ level, message });
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  }
}
