/**
 * What the status bar items open: `chainWatch.showConnections` (every stream with its state; pick one, then an
 * action that fits it) and `chainWatch.showCredits` (credits per stream, burn rate, budget, the guard's state,
 * "Pause all" / "Resume all", "Change budget..."). The rows come from core (`statusPicks`); this file only asks.
 */
import * as vscode from 'vscode';
import type { StreamRegistry } from '../core/stream/streamRegistry';
import type { CreditGuard } from '../core/stream/creditGuard';
import { budgetProblem, connectionRows, creditRows, streamActionLabels, type StreamAction } from '../core/stream/statusPicks';
import type { Prompter } from './prompter';
import { guardSettings, SECTION } from './settings';

/** The command each stream action runs (with the stream id). */
const actionCommands: Readonly<Record<StreamAction, string>> = {
  connect: 'chainWatch.connect',
  resume: 'chainWatch.resume',
  reconnect: 'chainWatch.reconnect',
  disconnect: 'chainWatch.disconnect',
  setApiKey: 'chainWatch.setApiKey',
  showOutput: 'chainWatch.showOutput',
};

/** What the picks need. */
export interface StatusPickDeps {
  registry: StreamRegistry;
  guard: () => CreditGuard | undefined;
  prompter: () => Prompter;
  /** The user acted by hand (the guard forgets its pause). */
  userActed: () => void;
  /** The stream's data is simulated (the demo's): its credits are never billed. */
  simulated: (streamId: string) => boolean;
}

/** Registers both commands; returns their disposables. */
export function registerStatusPicks(d: StatusPickDeps): vscode.Disposable[] {
  async function showConnections(): Promise<string | undefined> {
    const rows = connectionRows(
      d.registry.list().map((s) => ({
        id: s.id,
        label: s.handle.definition.label || s.id,
        status: s.handle.status(),
        ratePerSec: d.registry.rate(s.id),
        elsewhere: (s.handle as { heldElsewhere?: boolean }).heldElsewhere === true,
      })),
      Date.now(),
    );
    if (!rows.length) {
      await vscode.commands.executeCommand('chainWatch.streams.focus');
      return undefined;
    }
    const picked = await d.prompter().pick(
      rows.map((r) => ({ label: r.label, description: r.description, ...(r.detail ? { detail: r.detail } : {}), row: r })),
      { title: 'Chain Watch: Streams', placeholder: 'Pick a stream to connect, reconnect, resume or show its output' },
    );
    if (!picked) return undefined;
    const action = await d.prompter().pick(
      picked.row.actions.map((a) => ({ label: streamActionLabels[a], action: a })),
      { title: `Chain Watch: ${picked.row.label}`, placeholder: picked.row.description },
    );
    if (!action) return undefined;
    await vscode.commands.executeCommand(actionCommands[action.action], picked.row.id);
    return `${action.action}:${picked.row.id}`;
  }

  async function showCredits(): Promise<string | undefined> {
    const billed = d.registry.list().filter((r) => r.handle.definition.provider === 'warp');
    const guard = d.guard();
    const settings = guardSettings();
    const simulated = new Set(billed.filter((r) => d.simulated(r.id)).map((r) => r.id));
    const rows = creditRows(
      billed.map((r) => ({ id: r.id, label: r.handle.definition.label || r.id, credits: r.handle.credits() })),
      guard
        ? {
            spentToday: guard.spentToday(),
            dailyBudget: settings.dailyBudget,
            pauseWhenIdleMinutes: settings.pauseWhenIdleMinutes,
            ...(guard.pausedReason() ? { pausedReason: guard.pausedReason()! } : {}),
          }
        : undefined,
      simulated,
    );
    const picked = await d.prompter().pick(
      rows.map((r) => ({ label: r.label, ...(r.description ? { description: r.description } : {}), ...(r.detail ? { detail: r.detail } : {}), row: r })),
      { title: 'Chain Watch: Credits', placeholder: 'Credits = events x 2 + connected 5 s intervals x 4' },
    );
    switch (picked?.row.action) {
      case undefined:
      case 'info':
        return undefined;
      case 'pauseAll':
        d.userActed();
        d.registry.disconnectAll('paused');
        return 'pauseAll';
      case 'resumeAll': {
        const ids = guard?.pausedStreams() ?? [];
        d.userActed();
        // a paused stream resumes from its last processed id (or mode=resume), never live
        for (const id of ids) d.registry.get(id)?.handle.connect({ kind: 'continue' });
        return 'resumeAll';
      }
      case 'changeBudget': {
        const value = await d.prompter().input({
          title: 'Chain Watch: Daily credit budget',
          prompt: 'Credits per day before every stream pauses and you are asked (0 for no budget)',
          value: String(settings.dailyBudget),
          validate: (v) => budgetProblem(v),
        });
        if (value === undefined) return undefined;
        const n = Number(value.trim().replace(/[,_ ]/g, ''));
        await vscode.workspace.getConfiguration(SECTION).update('credits.dailyBudget', n, vscode.ConfigurationTarget.Global);
        return `budget:${n}`;
      }
    }
  }

  return [vscode.commands.registerCommand('chainWatch.showConnections', showConnections), vscode.commands.registerCommand('chainWatch.showCredits', showCredits)];
}
