/**
 * The credit guard in VS Code: whether this window is watched (focused, with the Streams view or a feed visible),
 * every window's last watched moment through a shared file in global storage, the spend ledger shared by windows
 * (global storage `spend/`), drain visits and resumes through the registry's handles, the budget question through
 * the prompter, and the ticks that check the rules every 5 s (the guard's own tick is 30 s).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CreditGuard, dayKey } from '../core/stream/creditGuard';
import type { Logger } from '../core/logger';
import { systemClock } from '../core/clock';
import { fileLedger } from '../core/stream/spendLedger';
import type { StreamRegistry } from '../core/stream/streamRegistry';
import type { Prompter } from './prompter';
import { guardSettings, SECTION } from './settings';
import { untrustedText } from '../core/untrustedText';

/** How often the rules are checked, ms. */
const CHECK_MS = 5_000;
/** How often a watched window marks the shared focus file, ms. */
const MARK_FOCUS_MS = 60_000;
/** The window the event rate is measured over, ms. */
const RATE_WINDOW_MS = 10 * 60_000;

/** What the host reads besides the registry. */
export interface CreditGuardHostOptions {
  /** This window's unique id (the lease owner). */
  owner: string;
  /** Whether a Chain Watch view (Streams view, feed view or feed panel) is visible in this window now. */
  viewVisible: () => boolean;
}

/** Starts the guard; dispose stops it. `userActed()` forgets a guard pause when the user connects by hand. */
export class CreditGuardHost implements vscode.Disposable {
  readonly guard: CreditGuard;
  private readonly focusFile: string;
  private readonly subs: vscode.Disposable[] = [];
  private readonly timer: ReturnType<typeof setInterval>;
  private visible: boolean;
  private disposed = false;

  constructor(
    storageDir: string,
    registry: StreamRegistry,
    logger: Logger,
    prompter: () => Prompter,
    private readonly options: CreditGuardHostOptions,
  ) {
    this.focusFile = path.join(storageDir, 'lastFocus.json');
    this.visible = options.viewVisible();
    const ledger = fileLedger(path.join(storageDir, 'spend'), options.owner, dayKey(Date.now()).slice(0, 7));
    this.guard = new CreditGuard(
      systemClock,
      {
        pauseAll: () => registry.disconnectAll('paused'),
        resume: (ids) => ids.forEach((id) => registry.get(id)?.handle.connect({ kind: 'continue' })),
        drain: (id) => {
          const h = registry.get(id)?.handle;
          return h?.drain ? h.drain() : undefined;
        },
        provider: (id) => registry.get(id)?.handle.definition.provider,
        eventsPerMinute: (id) => {
          const since = Date.now() - RATE_WINDOW_MS;
          const recent = registry.get(id)?.handle.recent() ?? [];
          return recent.filter((e) => e.receivedAt >= since).length / (RATE_WINDOW_MS / 60_000);
        },
        lastContactAt: (id) => registry.get(id)?.handle.status().lastActivityAt,
        totalCredits: () => registry.credits().credits,
        remaining: () => registry.credits().remaining,
        lastFocusElsewhereAt: () => this.lastFocus(),
        notify: (message, level) => {
          if (level === 'warn') {
            logger.warn(message);
            void vscode.window.showWarningMessage(`Chain Watch: ${untrustedText(message)}`);
          } else {
            logger.info(message);
            void vscode.window.showInformationMessage(`Chain Watch: ${untrustedText(message)}`);
          }
        },
        possibleLoss: (id, from, to, words) => registry.get(id)?.handle.notePossibleLoss?.(from, to, words),
        budgetExceeded: async (spent, budget) => {
          const choice = await prompter().ask(
            `Chain Watch: today's credits (~${Math.round(spent).toLocaleString('en-US')}, an estimate across every window) passed your daily budget of ${budget.toLocaleString('en-US')}. Every stream is paused in every window.`,
            ['Keep Going', 'Stay Paused'],
            'warn',
          );
          return choice === 'Keep Going' ? 'continue' : 'stay_paused';
        },
      },
      guardSettings(),
      ledger,
      vscode.window.state.focused,
      options.owner,
      this.visible,
    );
    if (this.guard.watched()) this.markFocus();
    let ticks = 0;
    this.timer = setInterval(() => {
      ticks++;
      this.refreshVisibility();
      this.guard.check();
      if (ticks % (MARK_FOCUS_MS / CHECK_MS) === 0 && this.guard.watched()) this.markFocus();
    }, CHECK_MS);
    this.subs.push(
      vscode.window.onDidChangeWindowState((s) => {
        this.guard.focusChanged(s.focused);
        if (this.guard.watched()) this.markFocus();
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

  /** A view's visibility may have changed: tell the guard (also polled every 5 s). */
  refreshVisibility(): void {
    const v = this.options.viewVisible();
    if (v === this.visible) return;
    this.visible = v;
    this.guard.viewVisibilityChanged(v);
    if (this.guard.watched()) this.markFocus();
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
