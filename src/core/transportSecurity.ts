/**
 * Where a key may travel. A stored key goes only over an encrypted connection (`wss:` / `https:`), except to the
 * loopback interface (the local simulator, a local node), so a settings change to `ws://` or `http://` cannot put it
 * on the wire in clear text.
 */

/** True for `localhost`, 127.0.0.0/8 and `[::1]`. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/**
 * Why a key must not be sent to `url`, in words, or undefined when it may: an unencrypted scheme to a host that is
 * not loopback, or a URL that does not parse.
 */
export function keyTransportProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'the endpoint URL is not valid';
  }
  const encrypted = u.protocol === 'wss:' || u.protocol === 'https:';
  if (encrypted || isLoopbackHost(u.hostname)) return undefined;
  return `refusing to send the API key unencrypted (${u.protocol}//) to ${u.host}: use wss:// or https://`;
}
