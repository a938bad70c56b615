/** Add Stream for Inodra Warp (Sui): network (or a custom endpoint such as the local simulator), stream id, transport. */
import { addStreamSteps, customEndpointProblem } from '../../core/stream/addStreamSteps';
import { endpointHost } from '../../core/connectFailure';
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
        { label: 'Custom endpoint...', description: 'a Warp-compatible server, e.g. the local simulator (npm run simulator)', network: 'custom' },
      ],
      'Network (a key belongs to one network)',
      'network',
    );
    if (!net) return undefined;
    if (net.network === 'custom') {
      prompts.replan(addStreamSteps('warp', { customEndpoint: true }));
      const url = await prompts.input({
        prompt: 'Base URL of the Warp-compatible server (its key is saved for this host with Set API Key)',
        placeholder: 'http://127.0.0.1:7777',
        step: 'endpoint',
        validate: (v) => customEndpointProblem(v),
      });
      if (!url) return undefined;
      def.baseUrl = url.trim().replace(/\/+$/, '');
    } else def.network = net.network;
    const sid = await prompts.input({ prompt: 'Stream id from the Inodra dashboard', placeholder: 'e.g. 9f3c2a1b-usdc-transfers', step: 'streamId', validate: validateStreamId });
    if (!sid) return undefined;
    def.streamId = sid.trim();
    const tr = await prompts.pick(
      [
        { label: 'WebSocket', description: 'exactly-once with ACKs (recommended)', transport: 'websocket' as const },
        { label: 'SSE', description: 'Server-Sent Events, at-least-once (deduplicated)', transport: 'sse' as const },
      ],
      'Transport',
      'transport',
    );
    if (!tr) return undefined;
    def.transport = tr.transport;
    return def.network ? `Sui ${def.network} ${def.streamId}` : `Sui ${endpointHost(def.baseUrl ?? 'custom')} ${def.streamId}`;
  },
};
