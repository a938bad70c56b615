/**
 * Two status bar items, each with an id and a name so users can hide them separately:
 * connection (`$(radio-tower) 2 live`, its content from the pure `connectionStatus`, with the guard's state such as
 * `1 paused · draining every 20 min`; click lists the streams with their actions) and credits (`~12% of this
 * month's quota used · 1.8k cr/h` with a monthly quota, `~12.4k cr · 1.8k/h` without; warning look past the daily
 * budget; click shows the breakdown, budget and guard with "Pause all" / "Change budget"). The guard and credit
 * words come from pure functions in core (creditText, connectionStatus); this class only places them. Simulated
 * streams (the demo's, on its own simulators) say so in both: `2 live · simulated`, `~186 cr · 23.4k/h · simulated`.
 */
import * as vscode from 'vscode';
import type { StreamRegistry } from '../core/stream/streamRegistry';
import type { CreditGuard } from '../core/stream/creditGuard';
import { compactNumber, creditsStatusText, guardStatusText, guardTooltipLines, quotaText } from '../core/stream/creditText';
import { groupDigits } from '../core/stream/streamText';
import { connectionStatus } from '../core/stream/connectionStatus';
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
    const guardNow = this.guard();
    const guardView = guardNow?.view();
    const view = connectionStatus(
      this.registry.summary(),
      this.registry.list().map((r) => ({ label: r.handle.definition.label || r.id, status: r.handle.status(), simulated: this.simulated(r.id) })),
      guardNow?.pausedReason(),
      guardView && guardNow ? { status: guardStatusText(guardView), paused: guardView.paused, lines: guardTooltipLines(guardView, guardNow.pauseCosts()) } : undefined,
    );
    if (!view) {
      this.connection.hide();
      this.credits.hide();
      return;
    }
    this.connection.text = view.text;
    this.connection.backgroundColor = view.tone ? new vscode.ThemeColor(`statusBarItem.${view.tone}Background`) : undefined;
    const tip = new vscode.MarkdownString('**Chain Watch**  \n');
    for (const line of view.lines) tip.appendMarkdown(`${line}  \n`);
    if (view.simulatedNote) tip.appendMarkdown(`\n${view.simulatedNote}  \n`);
    if (view.pauseNote) tip.appendMarkdown(`\n${view.pauseNote}  \n`);
    tip.appendMarkdown('\nClick for each stream\'s actions.');
    this.connection.tooltip = tip;
    this.connection.accessibilityInformation = { label: view.ariaLabel };
    this.connection.show();

    const billed = this.registry.list().filter((r) => r.handle.definition.provider === 'warp');
    const goldRush = this.registry.list().filter((r) => r.handle.definition.provider === 'goldrush');
    if (!billed.length && !goldRush.length) {
      this.credits.hide();
      return;
    }
    const total = this.registry.credits();
    const guard = this.guard();
    const over = guard?.overBudget() ?? false;
    // simulated (the demo's streams): said in the text, since what it counts is never billed
    const counted = [...billed, ...goldRush];
    const sims = counted.filter((r) => this.simulated(r.id)).length;
    const quota = vscode.workspace.getConfiguration('chainWatch').get<number>('credits.monthlyQuota') ?? 1_000_000;
    // a share of the real month's quota only when a real stream is counted: simulated credits bill nothing
    const monthUsed = sims < counted.length ? guard?.monthUsed() : undefined;
    const warpText = creditsStatusText({ credits: total.credits, perHour: total.perHour, ...(monthUsed !== undefined ? { monthUsed, monthlyQuota: quota } : {}) });
    const creditSim = sims === 0 ? '' : sims === counted.length ? ' · simulated' : ` (${sims} simulated)`;
    // GoldRush bills per subscription-minute on its own account: counted apart, and only ever an estimate
    const grText = goldRush.length ? `GoldRush ≈${groupDigits(total.estimatedGoldRush ?? 0)} (est.)` : '';
    this.credits.text = `$(credit-card) ${[billed.length ? warpText : '', grText].filter(Boolean).join(' · ')}${creditSim}`;
    this.credits.backgroundColor = over ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    const ct = new vscode.MarkdownString('**Warp credits: estimates** (events x 2 + connected 5 s intervals x 4, counted here; the server bills)  \n');
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
    if (goldRush.length) {
      ct.appendMarkdown('\n**GoldRush credits, estimated** (1 per started minute per live subscription; GoldRush reports no balance on the socket, check its dashboard)  \n');
      for (const r of goldRush) {
        const label = untrustedMarkdown(r.handle.definition.label || r.id, 80);
        ct.appendMarkdown(`${label}: ≈${groupDigits(r.handle.credits().estimatedGoldRush ?? 0)}${this.simulated(r.id) ? ' (simulated: nothing is billed)' : ''}  \n`);
      }
    }
    if (sims) ct.appendMarkdown('\nSimulated credits are what the service would bill for such a stream; a local simulator bills nothing.  \n');
    if (guard) {
      const budget = vscode.workspace.getConfiguration('chainWatch').get<number>('credits.dailyBudget') ?? 0;
      ct.appendMarkdown(`\nToday, every window: ~${groupDigits(guard.spentToday())}${budget ? ` of ${groupDigits(budget)} budget${over ? ' (over budget)' : ''}` : ''}`);
      const q = monthUsed !== undefined ? quotaText(monthUsed, quota) : undefined;
      if (q) ct.appendMarkdown(`  \nThis month: ~${groupDigits(monthUsed ?? 0)} of ${groupDigits(quota)} (${q})`);
    }
    ct.appendMarkdown('\n\nClick for the breakdown, the guard and the budget.');
    this.credits.tooltip = ct;
    this.credits.accessibilityInformation = {
      label: `Chain Watch credits: about ${groupDigits(total.credits)} Warp, ${compactNumber(total.perHour)} per hour${goldRush.length ? `; GoldRush estimated ${groupDigits(total.estimatedGoldRush ?? 0)}` : ''}${creditSim.replace(' · ', ', ')}`,
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
