// Covalent STOMP against a real RabbitMQ with Web-STOMP (127.0.0.1 only), plus the simulator's Covalent endpoint.
// Installs and starts the broker when it is not running (test/setup/rabbitmq.sh), and stops only what it started,
// by pid. The broker's pid goes to the tests (CW_RABBITMQ_PID) for the freeze (SIGSTOP/SIGCONT) and restart tests
// when this suite started it, or when our setup script did earlier (its own pid file names a live beam.smp).
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { runMocha } = require('../support/mochaSuite');
const { EPMD_PORT, RABBIT_WS_PORT, listenerPid, portOpen } = require('../support/rabbitBroker');

const PID_FILE = process.env.CW_RABBITMQ_PID_FILE || '/var/lib/rabbitmq/cw-rabbit.pid';

/** The pid in our setup script's pid file, if it names a running beam.smp. */
function ourBrokerPid() {
  try {
    const pid = Number(fs.readFileSync(PID_FILE, 'utf8').trim());
    if (!pid) return undefined;
    const comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    return comm.startsWith('beam') ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Pid of the process listening on 127.0.0.1:4369 (epmd), if any. */
function epmdPid() {
  return listenerPid(EPMD_PORT);
}

module.exports = {
  name: 'stomp',
  order: 20,
  async run({ root }) {
    const wasRunning = await portOpen(RABBIT_WS_PORT);
    const epmdBefore = epmdPid();
    let startedPid;
    if (!wasRunning) {
      console.log('starting RabbitMQ (test/setup/rabbitmq.sh)');
      const r = spawnSync('bash', [path.join(root, 'test', 'setup', 'rabbitmq.sh')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
      if (r.status !== 0) {
        console.error('RabbitMQ setup failed');
        return { passed: 0, failed: 1, skipped: 0 };
      }
      startedPid = ourBrokerPid();
    }
    const pid = startedPid || ourBrokerPid();
    if (!pid) console.log('RabbitMQ is running but was not started by this project: freeze/restart tests will be skipped');
    try {
      return runMocha(root, ['out/test/broker/*.test.js', 'out/test/unit/covalentSimulator.test.js'], {
        timeoutMs: 60000,
        env: { CW_RABBITMQ_PID: pid ? String(pid) : '' },
      });
    } finally {
      if (pid) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // gone already
        }
      }
      if (startedPid) {
        spawnSync('bash', [path.join(root, 'test', 'setup', 'rabbitmq.sh'), 'stop'], { cwd: root, stdio: 'inherit' });
        const epmd = epmdPid();
        if (epmd && epmd !== epmdBefore) {
          try {
            process.kill(epmd, 'SIGTERM');
          } catch {
            // gone already
          }
        }
      }
    }
  },
};
