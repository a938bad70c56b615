/** The stream commands: add, remove, edit, connect / resume / disconnect / reconnect (one or all), show output. */
import * as vscode from 'vscode';
import type { RegisteredStream } from '../../core/stream/streamRegistry';
import { untrustedText } from '../../core/untrustedText';
import { removeStreamSetting } from '../settings';
import { addStream } from './addStream';
import type { Arg, CommandDeps } from './commandDeps';
import { pickStream, registerCommand, streamIdOf, streamLabel } from './commandDeps';

async function removeStream(d: CommandDeps, arg: Arg): Promise<string | undefined> {
  const s = await pickStream(d, arg, 'Remove Stream');
  if (!s) return undefined;
  if (s.origin === 'memory') {
    if (s.id === 'demo') await d.demo.stop();
    else d.registry.remove(s.id);
    d.output.dropStream(s.id);
    return s.id;
  }
  const ok = await d.prompter().ask(`Remove the stream "${untrustedText(streamLabel(s), 80)}" from your settings? Its journal stays on disk.`, ['Remove'], 'warn');
  if (ok !== 'Remove') return undefined;
  const removed = await removeStreamSetting(s.id);
  if (!removed) throw new Error(`"${streamLabel(s)}" is not defined in any settings file Chain Watch can edit`);
  d.syncFromSettings();
  d.output.dropStream(s.id);
  return s.id;
}

async function resumeFrom(d: CommandDeps, arg: Arg): Promise<string | undefined> {
  const s = await pickStream(d, arg, 'Resume From Event ID');
  if (!s) return undefined;
  const id = await d.prompter().input({
    title: 'Resume From Event ID',
    prompt: `Replay ${streamLabel(s)} after this message id (the server keeps up to 30 min / 2,000 events)`,
    value: s.handle.status().lastEventId ?? '',
    validate: (v) => (v.trim() ? undefined : 'Enter a message id.'),
  });
  if (!id) return undefined;
  d.userActed();
  s.handle.connect({ kind: 'after', id: id.trim() });
  return s.id;
}

function connectWith(d: CommandDeps, mode: Parameters<RegisteredStream['handle']['connect']>[0]) {
  return async (arg: Arg) => {
    const s = await pickStream(d, arg, 'Connect');
    if (!s) return undefined;
    d.userActed();
    s.handle.connect(mode);
    return s.id;
  };
}

/** Registers the stream commands; returns the disposables. */
export function registerStreamCommands(d: CommandDeps): vscode.Disposable[] {
  const reg = (id: string, fn: (...args: never[]) => unknown) => registerCommand(d, id, fn);
  return [
    reg('chainWatch.addStream', () => addStream(d)),
    reg('chainWatch.removeStream', (arg: Arg) => removeStream(d, arg)),
    reg('chainWatch.editStreams', () => vscode.commands.executeCommand('workbench.action.openSettings', 'chainWatch.streams')),
    reg('chainWatch.connect', connectWith(d, { kind: 'auto' })),
    reg('chainWatch.resume', connectWith(d, { kind: 'resume' })),
    reg('chainWatch.resumeFrom', (arg: Arg) => resumeFrom(d, arg)),
    reg('chainWatch.disconnect', async (arg: Arg) => {
      const s = await pickStream(d, arg, 'Disconnect', (x) => x.handle.status().state !== 'stopped' && x.handle.status().state !== 'idle');
      if (!s) return undefined;
      d.userActed();
      s.handle.disconnect('user');
      return s.id;
    }),
    reg('chainWatch.reconnect', async (arg: Arg) => {
      const s = await pickStream(d, arg, 'Reconnect');
      if (!s) return undefined;
      d.userActed();
      s.handle.reconnect();
      return s.id;
    }),
    reg('chainWatch.connectAll', () => {
      d.userActed();
      return d.registry.connectAll();
    }),
    reg('chainWatch.disconnectAll', () => {
      d.userActed();
      return d.registry.disconnectAll('user');
    }),
    reg('chainWatch.showOutput', (arg: Arg) => {
      d.output.show(streamIdOf(arg));
      return true;
    }),
  ];
}
