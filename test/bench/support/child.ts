/**
 * The benches' IPC with their helper processes (load servers, the publisher, a bench's own client processes):
 * fork one, have it prepare its data before anything is timed, ask it a question, read its CPU time, stop it.
 */
import { fork, type ChildProcess } from 'child_process';

/**
 * Sends `msg` to `child` and resolves with its first reply that has `field`; rejects when a reply carries an
 * `error` string instead (named after `who`).
 */
export function ask<T>(child: ChildProcess, msg: object, field: string, who = 'bench child'): Promise<T> {
  return new Promise((resolve, reject) => {
    const on = (m: Record<string, unknown>) => {
      if (typeof m.error === 'string') {
        child.off('message', on);
        reject(new Error(`${who}: ${m.error}`));
      } else if (m[field] !== undefined) {
        child.off('message', on);
        resolve(m as T);
      }
    };
    child.on('message', on);
    child.send(msg);
  });
}

/**
 * Forks `script` (stdout ignored, stderr inherited), waits for its first message (`hello`: where it listens), then
 * sends it `prepare` and waits for its `{prepared}` reply.
 */
export async function forkPrepared<H, P>(script: string, prepare: object, who?: string): Promise<{ child: ChildProcess; hello: H; prepared: P }> {
  const child = fork(script, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const hello = await new Promise<H>((resolve) => child.once('message', (m) => resolve(m as H)));
  const prepared = await ask<P>(child, prepare, 'prepared', who);
  return { child, hello, prepared };
}

/** The child's CPU time so far (µs, user + system), as it reports it to `{cpu: true}`. */
export async function childCpuUs(child: ChildProcess, who?: string): Promise<number> {
  return (await ask<{ cpuUs: number }>(child, { cpu: true }, 'cpuUs', who)).cpuUs;
}

/** Sends `{stop: true}` and resolves when the child has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.send({ stop: true });
  });
}
