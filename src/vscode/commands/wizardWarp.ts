/** Add Stream for Inodra Warp (Sui): network, stream id, transport. */
import type { WizardProvider } from './streamWizard';
import { validateStreamId } from './streamInput';

/** The Warp steps of the Add Stream wizard. */
export const warpWizard: WizardProvider = {
  provider: 'warp',
  label: 'Inodra Warp',
  description: 'Sui events, WebSocket or SSE',
  async ask(prompts, def) {
    const net = await prompts.pick(
      [
        { label: 'mainnet', description: 'Sui mainnet', network: 'mainnet' },
        { label: 'testnet', description: 'Sui testnet', network: 'testnet' },
      ],
      'Network (a key belongs to one network)',
      2,
    );
    if (!net) return undefined;
    def.network = net.network;
    const sid = await prompts.input({ prompt: 'Stream id from the Inodra dashboard', placeholder: 'e.g. 9f3c2a1b-usdc-transfers', step: 3, validate: validateStreamId });
    if (!sid) return undefined;
    def.streamId = sid.trim();
    const tr = await prompts.pick(
      [
        { label: 'WebSocket', description: 'exactly-once with ACKs (recommended)', transport: 'websocket' as const },
        { label: 'SSE', description: 'Server-Sent Events, at-least-once (deduplicated)', transport: 'sse' as const },
      ],
      'Transport',
      4,
    );
    if (!tr) return undefined;
    def.transport = tr.transport;
    return `Sui ${def.network} ${def.streamId}`;
  },
};
