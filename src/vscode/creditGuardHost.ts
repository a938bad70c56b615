/**
 * The credit guard in VS Code: window focus (this window's, and every window's through a shared focus file in
 * global storage), today's spend in global state, the budget question through the prompter, and the ticks that
 * check the budget every 5 s while a stream runs (the guard's own tick is 30 s).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CreditGuard } from '../core/stream/creditGuard';
import type { Logger } from '../core/logger';
import { systemClock } from '../core/clock';
import type { StreamRegistry } from '../core/stream/streamRegistry';
import type { Prompter } from './prompter';
import { guardSettings, SECTION } from './settings';
import { untrustedText } from '../core/untrustedText';

/** How often the budget is checked while a stream runs, ms. */
const CHECK_MS = 5_000;
/** How often a focused window marks the shared focus file, ms. */
const MARK_FOCUS_MS = 60_000;

/** Starts the guard; dispose stops it. `userActed()` forgets a guard pause when the user connects by hand. */
export class CreditGuardHost implements vscode.Disposable {
  readonly guard: CreditGuard;
  private readonly focusFile: string;
  private readonly subs: vscode.Disposable[] = [];
  private readonly timer: ReturnType<typeof setInterval>;
  private disposed = false;

  constructor(
    context: vscode.ExtensionContext,
    storageDir: string,
    registry: StreamRegistry,
    logger: Logger,
    prompter: () => Prompter,
  ) {
    this.focusFile = path.join(storageDir, 'lastFocus.json');
    this.guard = new CreditGuard(
      systemClock,
      {
        pauseAll: () => registry.disconnectAll('paused'),
        resume: (ids) => ids.forEach((id) => registry.get(id)?.handle.connect({ kind: 'auto' })),
        totalCredits: () => registry.credits().credits,
        lastFocusElsewhereAt: () => this.lastFocus(),
        notify: (message) => {
          logger.info(message);
          void vscode.window.showInformationMessage(`Chain Watch: ${untrustedText(message)}`);
        },
        budgetExceeded: async (spent, budget) => {
          const choice = await prompter().ask(
            `Chain Watch: today's credits (~${Math.round(spent).toLocaleString('en-US')}) passed your daily budget of ${budget.toLocaleString('en-US')}. Every stream is paused.`,
            ['Keep Going', 'Stay Paused'],
            'warn',
          );
          return choice === 'Keep Going' ? 'continue' : 'stay_paused';
        },
      },
      guardSettings(),
      {
        get: () => context.globalState.get<{ day: string; spent: number }>('chainWatch.spentToday'),
        set: (v) => void context.globalState.update('chainWatch.spentToday', v),
      },
      vscode.window.state.focused,
    );
    if (vscode.window.state.focused) this.markFocus();
    let ticks = 0;
    this.timer = setInterval(() => {
      ticks++;
      if (registry.summary().live > 0) this.guard.check();
      if (ticks % (MARK_FOCUS_MS / CHECK_MS) === 0 && vscode.window.state.focused) this.markFocus();
    }, CHECK_MS);
    this.subs.push(
      vscode.window.onDidChangeWindowState((s) => {
        if (s.focused) this.markFocus();
        this.guard.focusChanged(s.focused);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.credits`)) this.guard.update(guardSettings());
      }),
    );
  }

  /** The user connected or disconnected by hand: the guard forgets its pause. */
  userActed(): void {
    this.guard.clearPause();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.timer);
    for (const s of this.subs) s.dispose();
    this.guard.dispose();
  }

  private markFocus(): void {
    try {
      fs.writeFileSync(this.focusFile, String(Date.now()));
    } catch {
      // another window may be writing at the same moment; the next mark wins
    }
  }

  private lastFocus(): number | undefined {
    try {
      const v = Number(fs.readFileSync(this.focusFile, 'utf8'));
      return Number.isFinite(v) && v > 0 ? v : undefined;
    } catch {
      return undefined;
    }
  }
}
