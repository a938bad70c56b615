// The RabbitMQ broker as the stomp suite (test/suites/20-stomp.js) and the STOMP bench (test/bench/stompRabbit.ts)
// find it on 127.0.0.1: its ports, whether one answers, and which process listens on one. Plain JS so the suite
// can require it without a build; the bench imports it (types in rabbitBroker.d.ts).
const { spawnSync } = require('child_process');
const net = require('net');

/** Web-STOMP (the clients), plain STOMP (the bench's publisher), the management API, and Erlang's epmd. */
const RABBIT_WS_PORT = 15674;
const RABBIT_STOMP_PORT = 61613;
const RABBIT_API_PORT = 15672;
const EPMD_PORT = 4369;

/** Resolves whether something accepts a TCP connection on 127.0.0.1:`port` (the probe is closed at once). */
function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Pid of the process listening on TCP `port` (from `ss`), or undefined when none is found. */
function listenerPid(port) {
  const r = spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  const m = /pid=(\d+)/.exec(r.stdout || '');
  return m ? Number(m[1]) : undefined;
}

module.exports = { RABBIT_WS_PORT, RABBIT_STOMP_PORT, RABBIT_API_PORT, EPMD_PORT, portOpen, listenerPid };
