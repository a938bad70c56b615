import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileLedger, memoryLedger } from '../../src/core/stream/spendLedger';

describe('SpendLedger (one budget across windows)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-spend-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('two windows add to their own entries; the day is the sum, never one overwriting the other', () => {
    const a = fileLedger(dir, 'win-a', '2026-01');
    const b = fileLedger(dir, 'win-b', '2026-01');
    a.add('2026-01-05', 1_000);
    b.add('2026-01-05', 2_000);
    a.add('2026-01-05', 500);
    b.add('2026-01-06', 7);
    assert.strictEqual(a.dayTotal('2026-01-05'), 3_500);
    assert.strictEqual(b.dayTotal('2026-01-05'), 3_500);
    assert.strictEqual(a.monthTotal('2026-01'), 3_507);
    // a window that ended earlier today still counts for the next session
    const later = fileLedger(dir, 'win-c', '2026-01');
    assert.strictEqual(later.dayTotal('2026-01-05'), 3_500);
    a.add('2026-01-05', -50);
    a.add('2026-01-05', Number.NaN);
    assert.strictEqual(later.dayTotal('2026-01-05'), 3_500, 'nothing but positive spend is added');
  });

  it('shares the budget decision and the quota calibration, and drops earlier months', () => {
    const a = fileLedger(dir, 'win-a', '2025-12');
    a.add('2025-12-30', 10);
    a.setCalibration('2025-12', { used: 5, ledgerAt: 1 });
    const b = fileLedger(dir, 'win-b', '2026-01');
    assert.strictEqual(b.monthTotal('2025-12'), 0, 'last month removed');
    assert.strictEqual(b.calibration('2025-12'), undefined);
    a.setDecision('2026-01-05', { choice: 'stay_paused', owner: 'win-a', at: 1 });
    assert.deepStrictEqual(b.decision('2026-01-05'), { choice: 'stay_paused', owner: 'win-a', at: 1 });
    b.setCalibration('2026-01', { used: 900_000, ledgerAt: 12 });
    assert.deepStrictEqual(a.calibration('2026-01'), { used: 900_000, ledgerAt: 12 });
    fs.writeFileSync(path.join(dir, '2026-01-05', 'budget.json'), '{"choice":"drop tables"}');
    assert.strictEqual(b.decision('2026-01-05'), undefined, 'a bad file is no decision');
    fs.writeFileSync(path.join(dir, '2026-01-05', 'junk.json'), 'not json');
    assert.strictEqual(b.dayTotal('2026-01-05'), 0, 'unreadable entries count as 0');
  });

  it('keeps this window\'s figure when the storage folder cannot be written', () => {
    const blocked = path.join(dir, 'file');
    fs.writeFileSync(blocked, 'x');
    const l = fileLedger(blocked, 'w', '2026-01');
    l.add('2026-01-05', 42);
    assert.strictEqual(l.dayTotal('2026-01-05'), 42);
    const m = memoryLedger();
    m.add('2026-01-05', 1);
    m.add('2026-02-01', 2);
    assert.deepStrictEqual([m.dayTotal('2026-01-05'), m.monthTotal('2026-01')], [1, 1]);
  });
});
