/** A Sui node whose calls a test drives by hand: every subscription and scan is recorded with its handlers. */
import type { SuiCallHandlers, SuiRpc } from '../../../src/core/sui/suiRpc';

/** A node whose calls the test drives by hand. */
export class ScriptedNode {
  subs: SuiCallHandlers[] = [];
  scans: Array<{ req: unknown; h: SuiCallHandlers }> = [];
  /** The RPC each call went to, in order. */
  calls: string[] = [];
  factory = (): SuiRpc => {
    const sub = (name: string) => (_req: unknown, h: SuiCallHandlers) => {
      this.calls.push(name);
      this.subs.push(h);
      return { cancel: () => undefined };
    };
    const scan = (name: string) => (req: unknown, h: SuiCallHandlers) => {
      this.calls.push(name);
      this.scans.push({ req, h });
      return { cancel: () => undefined };
    };
    return {
      subscribeEvents: sub('SubscribeEvents'),
      listEvents: scan('ListEvents'),
      subscribeTransactions: sub('SubscribeTransactions'),
      listTransactions: scan('ListTransactions'),
      subscribeCheckpoints: sub('SubscribeCheckpoints'),
      listCheckpoints: scan('ListCheckpoints'),
      close: () => undefined,
    };
  };
  get sub(): SuiCallHandlers {
    return this.subs[this.subs.length - 1]!;
  }
}

