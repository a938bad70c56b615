// The fixture Foundry and Hardhat projects under test/fixtures, loaded into an ArtifactIndex the way the host does
// (every file the path classifier names, by its project-relative path), and logs encoded with viem to decode.
import * as fs from 'fs';
import * as path from 'path';
import { encodeAbiParameters, encodeEventTopics, parseAbiItem, type AbiEvent } from 'viem';
import { ArtifactIndex, type ArtifactLimits } from '../../../src/core/artifacts/artifactIndex';
import { classifyArtifactPath } from '../../../src/core/artifacts/artifactFiles';
import { parseAbi } from '../../../src/core/evm/evmDecode';

/** The repository's test/fixtures folder (the compiled tests run from out/test/unit). */
export const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures');

/** Addresses the fixture deployment records name. */
export const TOKEN = '0x1000000000000000000000000000000000000001';
export const PROXY = '0x2000000000000000000000000000000000000002';
export const REGISTRY = '0x3000000000000000000000000000000000000003';
export const HH_DEPLOYED = '0x5000000000000000000000000000000000000005';
export const IGNITION_VAULT = '0x6000000000000000000000000000000000000006';
export const UNKNOWN = '0x7000000000000000000000000000000000000007';

/** Every file under `dir`, relative to it with `/`. */
export function filesUnder(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(full, base));
    else out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out.sort();
}

/** An index holding the fixture projects (`foundry-project`, `hardhat-project`, or both), with their path prefix. */
export function fixtureIndex(projects: string[] = ['foundry-project', 'hardhat-project'], limits: Partial<ArtifactLimits> = {}): { index: ArtifactIndex; read: string[] } {
  const index = new ArtifactIndex(parseAbi, limits);
  const read: string[] = [];
  for (const p of projects) {
    for (const rel of filesUnder(path.join(FIXTURES, p))) {
      const wsPath = `${p}/${rel}`;
      if (!classifyArtifactPath(wsPath)) continue;
      read.push(wsPath);
      index.update(wsPath, fs.readFileSync(path.join(FIXTURES, p, rel), 'utf8'));
    }
  }
  return { index, read };
}

/** The topics and data of a log of `signature` (human-readable, with `indexed`) with `args`. */
export function encodeLog(signature: string, args: Record<string, unknown>): { topics: string[]; data: string } {
  const event = parseAbiItem(`event ${signature}`) as AbiEvent;
  const topics = encodeEventTopics({ abi: [event], eventName: event.name, args } as never) as string[];
  const dataInputs = event.inputs.filter((i) => !i.indexed);
  const data = encodeAbiParameters(dataInputs, dataInputs.map((i) => args[i.name!]) as never);
  return { topics: topics.filter((t) => t !== null), data };
}
