#!/usr/bin/env bash
# Installs (idempotently) and starts RabbitMQ with Web-STOMP, every listener on 127.0.0.1 (protocols.md §5).
#   test/setup/rabbitmq.sh          install if needed, start in the background if not running, wait until ready,
#                                   print the pid file path (its content is the broker's OS pid)
#   test/setup/rabbitmq.sh install  install and configure only
#   test/setup/rabbitmq.sh stop     stop the broker (rabbitmqctl stop, by its pid file)
# The config is written BEFORE apt-get installs the package, so the broker never listens beyond loopback.
set -euo pipefail

CONF_DIR=/etc/rabbitmq
PID_FILE=${CW_RABBITMQ_PID_FILE:-/var/lib/rabbitmq/cw-rabbit.pid}
LOG_FILE=${CW_RABBITMQ_LOG:-/var/log/rabbitmq/cw-server.log}
WS_PORT=15674
READY_TIMEOUT_S=${CW_RABBITMQ_READY_TIMEOUT_S:-90}

write_if_changed() { # path content
  if [ ! -f "$1" ] || [ "$(cat "$1")" != "$2" ]; then printf '%s\n' "$2" >"$1"; fi
}

configure() {
  mkdir -p "$CONF_DIR"
  write_if_changed "$CONF_DIR/rabbitmq-env.conf" "NODENAME=rabbit@localhost
NODE_IP_ADDRESS=127.0.0.1
ERL_EPMD_ADDRESS=127.0.0.1
SERVER_ADDITIONAL_ERL_ARGS=\"-kernel inet_dist_use_interface {127,0,0,1}\""
  write_if_changed "$CONF_DIR/rabbitmq.conf" "listeners.tcp.default = 127.0.0.1:5672
management.tcp.ip = 127.0.0.1
management.tcp.port = 15672
web_stomp.tcp.ip = 127.0.0.1
web_stomp.tcp.port = $WS_PORT
stomp.listeners.tcp.1 = 127.0.0.1:61613"
}

install() {
  configure
  if ! command -v rabbitmq-server >/dev/null 2>&1; then
    if ! apt-cache policy rabbitmq-server 2>/dev/null | grep -q 'Candidate: [0-9]'; then
      apt-get -o DPkg::Lock::Timeout=600 update -q
    fi
    # DPkg::Lock::Timeout waits for another apt/dpkg (other engineers, CI) instead of failing on the lock.
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends rabbitmq-server
  fi
  rabbitmq-plugins enable --offline rabbitmq_management rabbitmq_web_stomp >/dev/null
}

port_open() { (exec 3<>/dev/tcp/127.0.0.1/$WS_PORT) 2>/dev/null; }

start() {
  if port_open; then
    echo "$PID_FILE"
    return 0
  fi
  mkdir -p "$(dirname "$LOG_FILE")" "$(dirname "$PID_FILE")"
  chown rabbitmq:rabbitmq "$(dirname "$PID_FILE")" 2>/dev/null || true
  rm -f "$PID_FILE"
  # No systemd here: run the server in the background, detached from this shell's session.
  RABBITMQ_PID_FILE="$PID_FILE" setsid nohup rabbitmq-server >"$LOG_FILE" 2>&1 </dev/null &
  # `rabbitmqctl wait` returns once the pid file exists and the node's apps are running.
  if ! RABBITMQ_PID_FILE="$PID_FILE" timeout "$READY_TIMEOUT_S" rabbitmqctl wait --timeout "$READY_TIMEOUT_S" "$PID_FILE" >/dev/null 2>&1; then
    echo "rabbitmq did not become ready; last log lines:" >&2
    tail -n 30 "$LOG_FILE" >&2 || true
    exit 1
  fi
  local deadline=$((SECONDS + READY_TIMEOUT_S))
  until port_open; do
    if [ $SECONDS -ge $deadline ]; then echo "web_stomp port $WS_PORT not open" >&2; exit 1; fi
    # polling a port for readiness (setup, not a test)
    sleep 0.2
  done
  echo "$PID_FILE"
}

case "${1:-start}" in
  install) install ;;
  start) install; start ;;
  stop) [ -f "$PID_FILE" ] && rabbitmqctl stop "$PID_FILE" >/dev/null 2>&1 || true ;;
  *) echo "usage: $0 [start|install|stop]" >&2; exit 2 ;;
esac
