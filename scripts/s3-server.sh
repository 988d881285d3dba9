#!/usr/bin/env bash
# A throwaway, single-node S3 server for tests and local development:
# Ceph (one monitor, one bluestore OSD on a sparse file, no manager) + radosgw,
# listening on 127.0.0.1 only, everything kept under one data directory.
#
#   scripts/s3-server.sh start    start it (no-op if ours is already running), create the S3 user
#   scripts/s3-server.sh stop     stop it and delete its data directory
#   scripts/s3-server.sh status   exit 0 if it is running and answering HTTP, 1 otherwise
#   scripts/s3-server.sh gateway-stop    stop only radosgw, keeping Ceph and the data (an S3 outage, for fault tests)
#   scripts/s3-server.sh gateway-start   start radosgw again on the same data
#
# Settings (environment):
#   S3_PORT           radosgw HTTP port                 (default 7480)
#   S3_MON_PORT       Ceph monitor port (msgr v2)       (default 3301)
#   S3_DIR            data directory                    (default ${TMPDIR:-/tmp}/ytdownloader-radosgw)
#   S3_ACCESS_KEY     S3 access key of the test user    (default testkey)
#   S3_SECRET_KEY     S3 secret key of the test user    (default testsecret123)
#   S3_START_TIMEOUT  seconds to wait for radosgw       (default 90)
#
# Needs the Ceph packages: scripts/install-deps.sh s3
set -euo pipefail

S3_PORT=${S3_PORT:-7480}
S3_MON_PORT=${S3_MON_PORT:-3301}
S3_DIR=${S3_DIR:-${TMPDIR:-/tmp}/ytdownloader-radosgw}
S3_ACCESS_KEY=${S3_ACCESS_KEY:-testkey}
S3_SECRET_KEY=${S3_SECRET_KEY:-testsecret123}
S3_START_TIMEOUT=${S3_START_TIMEOUT:-90}
S3_USER_ID=ytdownloader-test

MARKER="$S3_DIR/.ytdownloader-s3-server"
CONF="$S3_DIR/ceph.conf"
URL="http://127.0.0.1:$S3_PORT"
DAEMONS=(rgw osd mon) # in stopping order

say() { echo "s3-server: $*"; }
err() { echo "s3-server: $*" >&2; }

usage() {
  echo "usage: $0 start|stop|status|gateway-stop|gateway-start" >&2
  exit 2
}

# Name of the executable behind each of our daemons (to not kill a recycled PID).
daemon_comm() {
  case "$1" in
    mon) echo ceph-mon ;;
    osd) echo ceph-osd ;;
    rgw) echo radosgw ;;
  esac
}

# Prints the PID of daemon $1 if it is alive, fails otherwise.
daemon_pid() {
  local f="$S3_DIR/run/$1.pid" pid comm
  [ -f "$f" ] || return 1
  pid=$(cat "$f" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  process_alive "$pid" || return 1
  if [ -r "/proc/$pid/comm" ]; then
    comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
    [ "$comm" = "$(daemon_comm "$1")" ] || return 1
  fi
  echo "$pid"
}

any_daemon_alive() {
  local d
  for d in "${DAEMONS[@]}"; do
    daemon_pid "$d" >/dev/null && return 0
  done
  return 1
}

all_daemons_alive() {
  local d
  for d in "${DAEMONS[@]}"; do
    daemon_pid "$d" >/dev/null || return 1
  done
}

# Succeeds if something accepts TCP connections on 127.0.0.1:$1.
port_in_use() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Succeeds if radosgw answers an HTTP request (any status).
http_answers() {
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null --max-time 3 "$URL/"
  else
    timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$S3_PORT &&
      printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 &&
      IFS= read -r line <&3 && [[ \$line == HTTP/* ]]" 2>/dev/null
  fi
}

is_running() {
  [ -f "$MARKER" ] && all_daemons_alive && http_answers
}

# Succeeds if process $1 exists and is not a zombie.
process_alive() {
  kill -0 "$1" 2>/dev/null || return 1
  if [ -r "/proc/$1/stat" ]; then
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ] || return 1
  fi
}

# wait_gone SECONDS PID...: waits until none of the processes is alive; fails on timeout.
wait_gone() {
  local limit=$(($1 * 10)) i pid any
  shift
  for ((i = 0; ; i++)); do
    any=0
    for pid in "$@"; do
      if process_alive "$pid"; then any=1; fi
    done
    [ "$any" -eq 0 ] && return 0
    [ "$i" -lt "$limit" ] || return 1
    sleep 0.1
  done
}

# Stops our daemons by PID and waits for them to exit. The data is thrown away, so there
# is no need for a clean shutdown (radosgw and the OSD take 4 to 6 s for one): TERM, then
# KILL whatever is still there after 3 s.
stop_daemons() {
  local d pid pids=()
  for d in "${DAEMONS[@]}"; do
    if pid=$(daemon_pid "$d"); then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  for d in "${DAEMONS[@]}"; do
    rm -f "$S3_DIR/run/$d.pid"
  done
  wait_gone 3 "${pids[@]}" && return 0
  for pid in "${pids[@]}"; do
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait_gone 10 "${pids[@]}" || err "warning: some of the processes ${pids[*]} did not exit"
}

# Deletes the data directory, but only if it is ours (or empty).
remove_dir() {
  [ -e "$S3_DIR" ] || return 0
  if [ -f "$MARKER" ] || [ -z "$(ls -A "$S3_DIR" 2>/dev/null)" ]; then
    rm -rf "$S3_DIR"
  else
    err "refusing to delete $S3_DIR: it exists but was not created by this script (set S3_DIR)"
    exit 1
  fi
}

show_logs() {
  local f
  err "---- last log lines (from $S3_DIR/log) ----"
  for f in "$S3_DIR"/log/*.out "$S3_DIR"/log/*.log; do
    [ -s "$f" ] || continue
    echo "==> $f <==" >&2
    tail -n 15 "$f" >&2
  done
  err "----"
}

# Called when start fails: show why, stop what we started, keep the logs for inspection.
start_failed() {
  err "start failed: $*"
  show_logs
  stop_daemons
  err "stopped; logs kept in $S3_DIR/log (scripts/s3-server.sh stop deletes them)"
  exit 1
}

write_conf() {
  local fsid=$1
  # cephx is off; radosgw then needs "ms mon client mode = crc" or it hangs with
  # "get_initial_auth_request returned -13". The OSD's block file is created inside
  # osd data by bluestore itself (do not set "bluestore block path" to osd/block).
  cat >"$CONF" <<CONF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$S3_MON_PORT
mon initial members = a
public addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
run dir = $S3_DIR/run
admin socket = $S3_DIR/run/\$name.asok
log file = $S3_DIR/log/\$name.log
crash dir = $S3_DIR/crash
keyring = $S3_DIR/keyring
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
mon data avail warn = 2
mon data avail crit = 1
paxos propose interval = 0.05
paxos min wait = 0.01
osd objectstore = bluestore
osd memory target = 939524096
bluestore cache autotune = false
bluestore cache size = 134217728
bluestore block create = true
bluestore block size = 10737418240
bluestore block db create = false
bluestore block wal create = false
bluestore fsck on mount = false
osd op num shards = 1
osd op num threads per shard = 2
[mon.a]
mon data = $S3_DIR/mon
[osd.0]
osd data = $S3_DIR/osd
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$S3_PORT
rgw data = $S3_DIR/rgw
rgw thread pool size = 64
rgw enable usage log = false
rgw dns name = 127.0.0.1
CONF
}

# Creates a bucket, uploads and deletes a tiny object and deletes the bucket, so the
# pools radosgw creates lazily exist before the tests run. Needs curl with --aws-sigv4.
warm_up() {
  if ! command -v curl >/dev/null 2>&1 || ! curl --help all 2>/dev/null | grep -q -- --aws-sigv4; then
    say "skipping warm-up (needs curl with --aws-sigv4)"
    return 0
  fi
  local bucket="ytd-warmup-$$-$RANDOM" t=$SECONDS
  local s3=(curl -sS -f --max-time 60 --aws-sigv4 "aws:amz:us-east-1:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY"
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD') # curl 7.88 does not send it, radosgw wants it
  if "${s3[@]}" -o /dev/null -X PUT "$URL/$bucket" &&
    "${s3[@]}" -o /dev/null -X PUT -H 'Content-Type: text/plain' --data-binary 'warm-up' "$URL/$bucket/warm-up.txt" &&
    [ "$("${s3[@]}" "$URL/$bucket/warm-up.txt")" = "warm-up" ] &&
    "${s3[@]}" -o /dev/null -X DELETE "$URL/$bucket/warm-up.txt" &&
    "${s3[@]}" -o /dev/null -X DELETE "$URL/$bucket"; then
    say "warm-up (bucket create, put, get, delete) done in $((SECONDS - t)) s"
  else
    err "warning: warm-up with curl failed; the server may still work (first requests are slow)"
  fi
}

cmd_start() {
  local t0=$SECONDS c

  if is_running; then
    say "already running on $URL (dir $S3_DIR)"
    return 0
  fi

  for c in ceph-mon ceph-osd radosgw radosgw-admin ceph ceph-authtool monmaptool; do
    if ! command -v "$c" >/dev/null 2>&1; then
      err "$c not found; install the S3 server first: scripts/install-deps.sh s3"
      exit 1
    fi
  done

  if any_daemon_alive; then
    say "found a half-running instance in $S3_DIR, stopping it first"
    stop_daemons
  fi

  local p
  for p in "$S3_PORT" "$S3_MON_PORT"; do
    if port_in_use "$p"; then
      err "port $p on 127.0.0.1 is already in use by another program (not our server in $S3_DIR)."
      err "Stop that program, or choose other ports with S3_PORT / S3_MON_PORT."
      exit 1
    fi
  done

  remove_dir
  mkdir -p "$S3_DIR"/{mon,osd,rgw,run,log,crash}
  touch "$MARKER"

  local fsid osd_uuid
  fsid=$(cat /proc/sys/kernel/random/uuid)
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  write_conf "$fsid"

  say "starting Ceph monitor (127.0.0.1:$S3_MON_PORT)"
  ceph-authtool --create-keyring "$S3_DIR/keyring" --gen-key -n mon. --cap mon 'allow *' \
    >"$S3_DIR/log/setup.out" 2>&1 || start_failed "ceph-authtool failed"
  monmaptool --create --addv a "[v2:127.0.0.1:$S3_MON_PORT]" --fsid "$fsid" "$S3_DIR/monmap" \
    >>"$S3_DIR/log/setup.out" 2>&1 || start_failed "monmaptool failed"
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$S3_DIR/monmap" \
    >>"$S3_DIR/log/setup.out" 2>&1 || start_failed "ceph-mon --mkfs failed"
  ceph-mon -c "$CONF" -i a -f </dev/null >"$S3_DIR/log/mon.out" 2>&1 &
  echo $! >"$S3_DIR/run/mon.pid"

  timeout 60 ceph -c "$CONF" osd new "$osd_uuid" \
    >>"$S3_DIR/log/setup.out" 2>&1 || start_failed "'ceph osd new' failed (monitor not reachable?)"

  # radosgw waits for the OSD by itself; starting it now overlaps its start with the OSD's mkfs.
  say "starting radosgw ($URL)"
  radosgw -c "$CONF" -n client.rgw.a -f </dev/null >"$S3_DIR/log/rgw.out" 2>&1 &
  echo $! >"$S3_DIR/run/rgw.pid"

  say "starting Ceph OSD (bluestore on a sparse 10 GiB file)"
  ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$osd_uuid" \
    >"$S3_DIR/log/osd-mkfs.out" 2>&1 || start_failed "ceph-osd --mkfs failed"
  ceph-osd -c "$CONF" -i 0 -f </dev/null >"$S3_DIR/log/osd.out" 2>&1 &
  echo $! >"$S3_DIR/run/osd.pid"

  local deadline=$((t0 + S3_START_TIMEOUT)) d
  until http_answers; do
    for d in "${DAEMONS[@]}"; do
      daemon_pid "$d" >/dev/null || start_failed "$(daemon_comm "$d") exited"
    done
    if [ "$SECONDS" -ge "$deadline" ]; then
      start_failed "radosgw did not answer on $URL within $S3_START_TIMEOUT s"
    fi
    sleep 0.25
  done
  say "radosgw answers after $((SECONDS - t0)) s"

  timeout 60 radosgw-admin -c "$CONF" -n client.rgw.a user create \
    --uid="$S3_USER_ID" --display-name="YtDownloader tests" \
    --access-key="$S3_ACCESS_KEY" --secret-key="$S3_SECRET_KEY" \
    >>"$S3_DIR/log/setup.out" 2>&1 || start_failed "radosgw-admin user create failed"

  warm_up

  say "ready on $URL in $((SECONDS - t0)) s (access key $S3_ACCESS_KEY, dir $S3_DIR)"
}

cmd_stop() {
  if [ ! -e "$S3_DIR" ]; then
    say "not running (no $S3_DIR)"
    return 0
  fi
  if [ ! -f "$MARKER" ]; then
    err "$S3_DIR was not created by this script; not touching it (set S3_DIR)"
    exit 1
  fi
  stop_daemons
  remove_dir
  say "stopped, $S3_DIR removed"
}

cmd_status() {
  if is_running; then
    say "running on $URL (dir $S3_DIR)"
    return 0
  fi
  if [ -f "$MARKER" ] && any_daemon_alive; then
    say "partly running in $S3_DIR (not answering on $URL)"
  else
    say "not running"
  fi
  return 1
}

cmd_gateway_stop() {
  local pid
  if ! pid=$(daemon_pid rgw); then
    say "radosgw is not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  rm -f "$S3_DIR/run/rgw.pid"
  wait_gone 5 "$pid" || { kill -KILL "$pid" 2>/dev/null || true; wait_gone 10 "$pid" || true; }
  say "radosgw stopped; Ceph and the data in $S3_DIR are kept"
}

cmd_gateway_start() {
  if [ ! -f "$MARKER" ] || ! daemon_pid mon >/dev/null || ! daemon_pid osd >/dev/null; then
    err "no running Ceph in $S3_DIR: use start"
    exit 1
  fi
  if ! daemon_pid rgw >/dev/null; then
    radosgw -c "$CONF" -n client.rgw.a -f </dev/null >>"$S3_DIR/log/rgw.out" 2>&1 &
    echo $! >"$S3_DIR/run/rgw.pid"
  fi
  local deadline=$((SECONDS + S3_START_TIMEOUT))
  until http_answers; do
    daemon_pid rgw >/dev/null || start_failed "radosgw exited"
    [ "$SECONDS" -lt "$deadline" ] || start_failed "radosgw did not answer on $URL within $S3_START_TIMEOUT s"
    sleep 0.25
  done
  say "radosgw answers again on $URL"
}

[ "$#" -eq 1 ] || usage
case "$1" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  gateway-stop) cmd_gateway_stop ;;
  gateway-start) cmd_gateway_start ;;
  *) usage ;;
esac
