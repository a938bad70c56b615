/**
 * Credit spend shared by every VS Code window (one budget for all windows). Each window only ever *adds* to its
 * own entry; a day's spend is the sum of every entry of that day, so two windows can never overwrite each other's
 * figures and sessions that ended earlier today still count. The budget decision ("keep going" / "stay paused") and
 * the quota calibration (from a server-reported `remaining`) are shared the same way.
 *
 * {@link memoryLedger} keeps it in memory (tests, one window); {@link fileLedger} keeps it in files under the
 * extension's global storage: `spend/<YYYY-MM-DD>/<owner>.json` = `{"spent": n}`, `spend/<YYYY-MM-DD>/budget.json`
 * and `spend/<YYYY-MM>.quota.json`. No 'vscode' import.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The user's answer to the budget question, shared by windows; `asking` while a window shows the question. */
export interface BudgetDecision {
  choice: 'continue' | 'stay_paused' | 'asking';
  /** Who decided (or is asking), and when (ms since epoch). */
  owner: string;
  at: number;
}

/** A server-reported remaining quota, pinned to the month's ledger total at that moment. */
export interface QuotaCalibration {
  /** Credits used this month according to the server (quota - remaining). */
  used: number;
  /** {@link SpendLedger.monthTotal} when it was reported. */
  ledgerAt: number;
}

/** Spend and budget state shared by windows. Days are local `YYYY-MM-DD`, months `YYYY-MM`. */
export interface SpendLedger {
  /** Adds `credits` (> 0) to this window's spend of `day`. Never overwrites another window's figure. */
  add(day: string, credits: number): void;
  /** Spend of `day` across every window and session. */
  dayTotal(day: string): number;
  /** Spend of every day of `month` across windows. */
  monthTotal(month: string): number;
  /** The shared budget decision of `day`, if any. */
  decision(day: string): BudgetDecision | undefined;
  setDecision(day: string, decision: BudgetDecision): void;
  /** The latest quota calibration of `month`, if any. */
  calibration(month: string): QuotaCalibration | undefined;
  setCalibration(month: string, calibration: QuotaCalibration): void;
}

/** A ledger in memory; several guards sharing one object behave like several windows. */
export function memoryLedger(): SpendLedger {
  const spent = new Map<string, number>();
  const decisions = new Map<string, BudgetDecision>();
  const calibrations = new Map<string, QuotaCalibration>();
  return {
    add: (day, credits) => {
      if (credits > 0) spent.set(day, (spent.get(day) ?? 0) + credits);
    },
    dayTotal: (day) => spent.get(day) ?? 0,
    monthTotal: (month) => {
      let t = 0;
      for (const [d, n] of spent) if (d.startsWith(`${month}-`)) t += n;
      return t;
    },
    decision: (day) => decisions.get(day),
    setDecision: (day, d) => void decisions.set(day, d),
    calibration: (month) => calibrations.get(month),
    setCalibration: (month, c) => void calibrations.set(month, c),
  };
}

/**
 * A ledger in files under `dir` (created on demand). `owner` must be unique per window session. Folders of
 * earlier months are removed when it is created. Read or write failures never throw: a figure that cannot be read
 * counts as 0 and a write that fails is retried with the next add (this window's own total is kept in memory).
 */
export function fileLedger(dir: string, owner: string, month: string): SpendLedger {
  const mine = new Map<string, number>();
  const safeOwner = owner.replace(/[^\w-]/g, '_');
  const dayDir = (day: string) => path.join(dir, day);
  const write = (file: string, value: object) => {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${safeOwner}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(value));
      fs.renameSync(tmp, file);
    } catch {
      // storage unavailable: this window's total stays in memory and is written with the next add
    }
  };
  const read = (file: string): unknown => {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      return undefined;
    }
  };
  const entries = (d: string): string[] => {
    try {
      return fs.readdirSync(d);
    } catch {
      return [];
    }
  };
  const ownFile = (day: string) => path.join(dayDir(day), `${safeOwner}.json`);
  const dayTotal = (day: string) => {
    let t = 0;
    for (const f of entries(dayDir(day))) {
      if (!f.endsWith('.json') || f === 'budget.json') continue;
      const v = read(path.join(dayDir(day), f)) as { spent?: unknown } | undefined;
      if (v && typeof v.spent === 'number' && Number.isFinite(v.spent) && v.spent > 0) t += v.spent;
    }
    // this window's own figure counts even when its file could not be written
    const own = read(ownFile(day)) as { spent?: unknown } | undefined;
    const ownOnDisk = own && typeof own.spent === 'number' ? own.spent : 0;
    return t + Math.max(0, (mine.get(day) ?? 0) - ownOnDisk);
  };
  for (const f of entries(dir)) {
    if (/^\d{4}-\d{2}/.test(f) && !f.startsWith(month)) {
      try {
        fs.rmSync(path.join(dir, f), { recursive: true, force: true });
      } catch {
        // another window may be removing it too
      }
    }
  }
  return {
    add: (day, credits) => {
      if (!(credits > 0)) return;
      const total = (mine.get(day) ?? 0) + credits;
      mine.set(day, total);
      write(ownFile(day), { spent: total });
    },
    dayTotal,
    monthTotal: (m) => {
      let t = 0;
      for (const f of entries(dir)) if (f.startsWith(`${m}-`) && /^\d{4}-\d{2}-\d{2}$/.test(f)) t += dayTotal(f);
      return t;
    },
    decision: (day) => {
      const v = read(path.join(dayDir(day), 'budget.json')) as Partial<BudgetDecision> | undefined;
      if (!v || (v.choice !== 'continue' && v.choice !== 'stay_paused' && v.choice !== 'asking')) return undefined;
      return { choice: v.choice, owner: String(v.owner ?? ''), at: Number(v.at ?? 0) };
    },
    setDecision: (day, d) => write(path.join(dayDir(day), 'budget.json'), d),
    calibration: (m) => {
      const v = read(path.join(dir, `${m}.quota.json`)) as Partial<QuotaCalibration> | undefined;
      return v && typeof v.used === 'number' && typeof v.ledgerAt === 'number' ? { used: v.used, ledgerAt: v.ledgerAt } : undefined;
    },
    setCalibration: (m, c) => write(path.join(dir, `${m}.quota.json`), c),
  };
}
