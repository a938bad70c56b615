/**
 * Two status bar items, each with an id and a name so users can hide them separately:
 * connection (`$(radio-tower) 2 live`, spinner while connecting, error look on quota exceeded; click lists the
 * streams with their actions) and credits (`~12.4k cr · 1.8k/h`, warning look past the daily budget; click shows
 * the breakdown, budget and guard with "Pause all" / "Change budget"). Simulated streams (on a loopback endpoint:
 * the demo) say so: `2 live · simulated` (`3 live (2 simulated)` beside real ones), and so do their credits.
 */
import * as vscode from 'vscode';
import type { StreamRegistry } from '../core/stream/streamRegistry';
import type { CreditGuard } from '../core/stream/creditGuard';
import { compactNumber, formatCredits } from '../core/stream/creditGuard';
import { groupDigits } from '../core/stream/streamRegistry';
import { untrustedMarkdown } from '../core/untrustedText';

/** The status bar items. */
export class StatusBar implements vscode.Disposable {
  readonly connection: vscode.StatusBarItem;
  readonly credits: vscode.StatusBarItem;
  private readonly subs: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly ticker: ReturnType<typeof setInterval>;

  constructor(
    private readonly registry: StreamRegistry,
    private readonly guard: () => CreditGuard | undefined,
    private readonly simulated: (streamId: string) => boolean = () => false,
  ) {
    this.connection = vscode.window.createStatusBarItem('chainWatch.connection', vscode.StatusBarAlignment.Left, 50);
    this.connection.name = 'Chain Watch: Connections';
    this.connection.command = 'chainWatch.showConnections';
    this.credits = vscode.window.createStatusBarItem('chainWatch.credits', vscode.StatusBarAlignment.Left, 49);
    this.credits.name = 'Chain Watch: Credits';
    this.credits.command = 'chainWatch.showCredits';
    this.subs.push(
      this.connection,
      this.credits,
      registry.onStatus(() => this.schedule()),
      registry.onChange(() => this.schedule()),
      registry.onEvents(() => this.schedule()),
    );
    // credits keep accruing while connected (4 per 5 s), so refresh even without events
    this.ticker = setInterval(() => this.update(), 5_000);
    this.update();
  }

  /** Recomputes both items now. */
  update(): void {
    const s = this.registry.summary();
    if (s.total === 0) {
      this.connection.hide();
      this.credits.hide();
      return;
    }
    let icon = 'radio-tower';
    const parts: string[] = [];
    if (s.connecting + s.reconnecting > 0) icon = 'sync~spin';
    if (s.live) parts.push(`${s.live} live`);
    if (s.connecting) parts.push(`${s.connecting} connecting`);
    if (s.reconnecting) parts.push(`${s.reconnecting} reconnecting`);
    if (s.quotaExceeded) {
      icon = 'error';
      parts.push('quota exceeded');
    } else if (s.failed) {
      icon = 'warning';
      parts.push(`${s.failed} stopped`);
    }
    const paused = this.registry.list().filter((r) => r.handle.status().stopReason === 'paused').length;
    if (paused) {
      if (!s.live && !s.connecting && !s.reconnecting) icon = s.quotaExceeded ? icon : 'debug-pause';
      parts.push(`${paused} paused`);
    }
    if (!parts.length) parts.push(s.stopped ? 'off' : 'idle');
    const sims = this.registry.list().filter((r) => this.simulated(r.id)).length;
    const simText = sims === 0 ? '' : sims === s.total ? ' · simulated' : ` (${sims} simulated)`;
    this.connection.text = `$(${icon}) ${parts.join(' · ')}${simText}`;
    this.connection.backgroundColor = s.quotaExceeded
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : s.failed
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
    const tip = new vscode.MarkdownString('**Chain Watch**  \n');
    for (const r of this.registry.list()) {
      const st = r.handle.status();
      const label = untrustedMarkdown(r.handle.definition.label || r.id, 80);
      tip.appendMarkdown(`${label}: ${st.state}${st.stopReason ? ` (${st.stopReason.replace(/_/g, ' ')})` : ''}${this.simulated(r.id) ? ' (simulated)' : ''}  \n`);
    }
    if (sims) tip.appendMarkdown('\nSimulated streams come from this machine (the demo, a local simulator or node), not a public chain.  \n');
    const why = this.guard()?.pausedReason();
    if (why) tip.appendMarkdown(`\n${why === 'idle' ? 'Paused to save credits: no VS Code window was focused. They resume when you come back.' : 'Paused: the daily credit budget was reached.'}  \n`);
    tip.appendMarkdown('\nClick for each stream\'s actions.');
    this.connection.tooltip = tip;
    this.connection.accessibilityInformation = { label: `Chain Watch: ${parts.join(', ')}${simText.replace(' · ', ', ')}` };
    this.connection.show();

    const billed = this.registry.list().filter((r) => r.handle.definition.provider === 'warp');
    if (!billed.length) {
      this.credits.hide();
      return;
    }
    const total = this.registry.credits();
    const guard = this.guard();
    const over = guard?.overBudget() ?? false;
    const billedSims = billed.filter((r) => this.simulated(r.id)).length;
    const creditSim = billedSims === 0 ? '' : billedSims === billed.length ? ' · simulated' : ` (${billedSims} simulated)`;
    this.credits.text = `$(credit-card) ${formatCredits(total.credits, total.perHour)}${creditSim}`;
    this.credits.backgroundColor = over ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    const ct = new vscode.MarkdownString('**Warp credits** (events x 2 + connected 5 s intervals x 4)  \n');
    for (const r of billed) {
      const c = r.handle.credits();
      const label = untrustedMarkdown(r.handle.definition.label || r.id, 80);
      ct.appendMarkdown(
        `${label}: ~${groupDigits(c.credits)} = ${groupDigits(c.events)} x 2 + ${groupDigits(c.intervals)} x 4 · ${compactNumber(c.perHour)}/h` +
          (c.remaining !== undefined ? ` · ${groupDigits(c.remaining)} remaining` : '') +
          (this.simulated(r.id) ? ' (simulated: nothing is billed)' : '') +
          '  \n',
      );
    }
    if (billedSims) ct.appendMarkdown('\nSimulated credits are what Warp would bill for such a stream; a local simulator bills nothing.  \n');
    if (guard) {
      const budget = vscode.workspace.getConfiguration('chainWatch').get<number>('credits.dailyBudget') ?? 0;
      ct.appendMarkdown(`\nToday: ~${groupDigits(guard.spentToday())}${budget ? ` of ${groupDigits(budget)} budget${over ? ' (over budget)' : ''}` : ''}`);
    }
    ct.appendMarkdown('\n\nClick for the breakdown, the guard and the budget.');
    this.credits.tooltip = ct;
    this.credits.accessibilityInformation = {
      label: `Chain Watch credits: about ${groupDigits(total.credits)}, ${compactNumber(total.perHour)} per hour${creditSim.replace(' · ', ', ')}`,
    };
    this.credits.show();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    clearInterval(this.ticker);
    for (const s of this.subs) s.dispose();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.update();
    }, 250);
  }
}
