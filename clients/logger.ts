import type { LogMetadata } from '@temporalio/common';
import { DefaultLogger, type LogEntry, type LogLevel, Runtime } from '@temporalio/worker';

/**
 * What logs may carry. An error's message can quote the data that caused it (PostgreSQL quotes the
 * value it refused, JSON.parse the text it choked on), and logs leave the accredited boundary; so an
 * error is logged by its kind, its code and where it was thrown. Only a system error (a refused
 * connection, a timeout) keeps its message, which names hosts and ports, never data.
 */
const WITHHELD = '(withheld: it may quote data)';

export function safeError(error: unknown): { type: string; message: string; stack: string; code?: string } {
  if (!(error instanceof Error)) return { type: typeof error, message: WITHHELD, stack: '' };
  const { code, syscall } = error as { code?: unknown; syscall?: unknown };
  return {
    type: error.name,
    ...(typeof code === 'string' ? { code } : {}),
    message: typeof syscall === 'string' ? error.message : WITHHELD,
    // Only the frames: V8 begins a stack with the whole message, however many lines it has.
    stack: (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)).join('\n'),
  };
}


function redact(meta: LogMetadata | undefined): LogMetadata | undefined {
  if (!meta) return meta;
  return Object.fromEntries(Object.entries(meta).map(([key, value]) => [key, value instanceof Error ? safeError(value) : value]));
}

/**
 * The worker's runtime: its log (the SDK's and the activities'), with every error in it reduced by
 * `safeError`, and the signals on which the SDK shuts its workers down.
 */
export function installWorkerLogger(level: 'info' | 'warn' | 'error', shutdownSignals?: NodeJS.Signals[]): void {
  const print = ({ level: at, message, timestampNanos, meta }: LogEntry) => {
    const time = new Date(Number(timestampNanos / 1_000_000n)).toISOString();
    console.error(`${time} [${at}] ${message}`, JSON.stringify(redact(meta)) ?? '');
  };
  Runtime.install({ logger: new DefaultLogger(level.toUpperCase() as LogLevel, print), ...(shutdownSignals ? { shutdownSignals } : {}) });
}
