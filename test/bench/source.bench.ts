/**
 * Source index benchmark: how long the workspace scan's parsing takes (the file reads are not counted). 1,000
 * Solidity files of ~1,170 lines (the Token.sol fixture repeated 30 times, 150 events each) and 1,000 small Move
 * modules go into one SourceIndex; then a topic0 lookup across all of them. Rows are reported (no target): the scan
 * runs once, on first use, never at activation. Prints BENCH-ROW lines for test/bench/runBench.js.
 */
import * as fs from 'fs';
import * as path from 'path';
import { toEventSelector } from 'viem';
import { SourceIndex } from '../../src/core/source/sourceIndex';
import { row } from './support/report';

const FILES = 1_000;
const root = path.resolve(__dirname, '..', '..', '..');
const sol = fs.readFileSync(path.join(root, 'test/fixtures/source/foundry/src/Token.sol'), 'utf8');
const move = fs.readFileSync(path.join(root, 'test/fixtures/source/move/sources/coin_demo.move'), 'utf8');
const big = Array.from({ length: 30 }, (_, i) => sol.replace('contract Token', `contract Token${i}`).replace(/event (\w+)\(/g, `event $1${i}(`)).join('\n');

const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;
const index = new SourceIndex();
let t = process.hrtime.bigint();
for (let i = 0; i < FILES; i++) index.setFile(`/w/src/T${i}.sol`, big);
const solMs = ms(t);
t = process.hrtime.bigint();
for (let i = 0; i < FILES; i++) index.setFile(`/w/pkg${i}/sources/m.move`, move);
const moveMs = ms(t);
t = process.hrtime.bigint();
// Transfer3 is declared once in each Solidity file
const found = index.lookup({ topic0: toEventSelector('Transfer3(address,address,uint256)') }).found.length;
const lookupMs = ms(t);
const lines = big.split('\n').length;
row({ row: `source index: parse ${FILES.toLocaleString('en-US')} Solidity files of ${lines.toLocaleString('en-US')} lines`, value: solMs, unit: 'ms', target: 'reported', ok: true, note: `${(solMs / FILES).toFixed(1)} ms per file` });
row({ row: `source index: parse ${FILES.toLocaleString('en-US')} Move modules`, value: moveMs, unit: 'ms', target: 'reported', ok: true });
row({ row: `source index: one topic0 lookup over ${(FILES * 150).toLocaleString('en-US')} Solidity events`, value: lookupMs, unit: 'ms', target: 'reported', ok: found === FILES, note: `${found} declarations found, ${FILES} expected` });
