#!/usr/bin/env bash
# C-STORE throughput: Vesalius against Orthanc, same instances, same machine, same run.
# See bench/README.md. Usage:
#   bench/store-bench.sh [--count N] [--large] [--rounds N] [--associations "1 4"]
#                        [--only vesalius|orthanc] [--no-warmup] [--thread-dumps] [--keep]
#
# For each instance set and for 1 and 4 parallel associations, each server is started fresh on an
# empty data folder, warmed up with 2000 small instances of other studies (untimed: a server that
# has been up a while, its JIT done), sent the whole set with DCMTK storescu, checked to hold every
# instance, and stopped. Prints instances/s, MB/s (10^6 bytes) and peak RSS per server, and the ratio.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
WORK="$HERE/work"
COUNT=2000
LARGE=false
WARMUP=true
ONLY=""
THREAD_DUMPS=false
KEEP=false
ROUNDS=1
ASSOCIATIONS="1 4"
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"   # log, die, free ports, starting and stopping the servers; -Xmx512m by default

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --count) COUNT=$2; shift ;;
    --large) LARGE=true ;;
    --no-warmup) WARMUP=false ;;
    --rounds) ROUNDS=$2; shift ;;
    --associations) ASSOCIATIONS=$2; shift ;;
    --only) ONLY=$2; shift ;;
    --thread-dumps) THREAD_DUMPS=true ;;
    --keep) KEEP=true ;;
    -h|--help) usage ;;
    *) echo "store-bench: unknown option $1" >&2; usage ;;
  esac
  shift
done
for associations in $ASSOCIATIONS; do
  [[ "$associations" =~ ^[14]$ ]] || { echo "store-bench: --associations takes 1, 4 or \"1 4\"" >&2; exit 2; }
done
if [ $((COUNT % 4)) -ne 0 ] || [ "$COUNT" -lt 4 ]; then
  echo "store-bench: --count must be a positive multiple of 4" >&2
  exit 2
fi

# --- tools ------------------------------------------------------------------------------------

install_missing_tools() {
  local packages=()
  command -v storescu >/dev/null && command -v dump2dcm >/dev/null || packages+=(dcmtk)
  command -v curl >/dev/null || packages+=(curl)
  if [ "$ONLY" != vesalius ] && ! command -v Orthanc >/dev/null; then packages+=(orthanc); fi
  [ ${#packages[@]} -eq 0 ] && return
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  log "installing ${packages[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${packages[@]}"
  if [[ " ${packages[*]} " == *" orthanc "* ]]; then
    # The package starts its own service on 4242/8042; this benchmark runs Orthanc itself, and a
    # second idle Orthanc would only compete for the machine.
    log "stopping and disabling Debian's orthanc service (this script runs its own Orthanc)"
    if [ -d /run/systemd/system ]; then
      $sudo systemctl disable --now orthanc || true
    else
      $sudo systemctl disable orthanc 2>/dev/null || true
      $sudo service orthanc stop 2>/dev/null || true
    fi
  fi
}

# --- helpers (the servers' start and stop are in lib.sh) ------------------------------------------

set_bytes() { find "$1" -name '*.dcm' -printf '%s\n' | awk '{ s += $1 } END { printf "%d", s }'; }

# --- sending ----------------------------------------------------------------------------------

# Thread dumps of the server every second while it receives, for a rough picture of where time goes.
sample_thread_dumps() {
  local pid=$1 out=$2 n=0 jcmd dump="$2.part"
  # The jcmd beside the server's own java (another JDK's cannot attach); Thread.dump_to_file
  # because jstack leaves out virtual threads, which serve the associations.
  jcmd="$(dirname "$(readlink "/proc/$pid/exe")")/jcmd"
  : >"$out"
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    rm -f "$dump"
    "$jcmd" "$pid" Thread.dump_to_file -format=text "$dump" >/dev/null 2>&1 || true
    { echo "=== sample $n $(date +%T.%N)"; cat "$dump" 2>/dev/null; } >>"$out"
    n=$((n + 1))
  done
  rm -f "$dump"
}

# Where the association threads were, over all samples: their innermost Vesalius frame and
# their innermost frame of all, most frequent first.
summarize_dumps() {
  echo "samples of the association threads in $1 (count, Vesalius frame <= innermost frame):"
  awk '/^#[0-9]+ "dimse-association/ { inside = 1; top = ""; ours = ""; next }
       inside && /^ *at / { if (top == "") top = $2; if (ours == "" && $2 ~ /^org\.vesalius/) ours = $2; next }
       inside && /^$/ { print ours "  <=  " top; inside = 0 }' "$1" | sort | uniq -c | sort -rn | head -25
}

# Sends SET to the running server over ASSOCIATIONS (1 or 4) associations; prints seconds taken.
send_set() {
  local set=$1 associations=$2 aet=$3 logdir=$4
  local folders=("$set") pids=() failed=0 i start end
  [ "$associations" = 4 ] && folders=("$set/q0" "$set/q1" "$set/q2" "$set/q3")
  start=$(date +%s.%N)
  for i in "${!folders[@]}"; do
    # -R: propose only the presentation contexts the files need; TCP_NODELAY=1: no Nagle delay
    # on each C-STORE request (else each one waits ~40 ms for the peer's delayed ACK).
    TCP_NODELAY=1 storescu -R +sd +r +sp '*.dcm' -aet BENCH -aec "$aet" 127.0.0.1 "$DICOM_PORT" "${folders[$i]}" \
      >"$logdir/storescu-$associations-$i.log" 2>&1 &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || { failed=1; log "storescu $i failed: $(tail -3 "$logdir/storescu-$associations-$i.log")"; }
  done
  end=$(date +%s.%N)
  [ $failed = 0 ] || return 1
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }'
}

RESULTS=()   # "round|set|associations|server|seconds|inst/s|MB/s|rss"

# One measurement: fresh server, send, verify, record, stop.
measure() {
  local round=$1 server=$2 set=$3 associations=$4
  local name bytes dir seconds held rss aet
  name=$(basename "$set")
  # A new folder each time: a server that already holds the set would only acknowledge duplicates.
  dir="$RUN_DIR/round$round-$server-$name-$associations"
  mkdir "$dir"
  # Flush what earlier runs (or anyone else) left dirty, so that its write-back does not land on
  # this run's fsyncs.
  sync
  if [ "$server" = orthanc ]; then start_orthanc "$dir"; aet=$ORTHANC_AET; else start_vesalius "$dir"; aet=$VESALIUS_AET; fi
  log "$server ready (pid $SERVER_PID, DICOM $DICOM_PORT, HTTP $HTTP_PORT); sending $name over $associations association(s)"
  local sampler=""
  if $THREAD_DUMPS && [ "$server" = vesalius ]; then
    sample_thread_dumps "$SERVER_PID" "$WORK/threads-round$round-$name-$associations.txt" &
    sampler=$!
  fi
  local expected=$COUNT
  if $WARMUP; then
    send_set "$WARMUP_SET" 1 "$aet" "$dir" >/dev/null || die "warm-up of $server failed (logs in $dir)"
    expected=$((COUNT + 2000))
  fi
  seconds=$(send_set "$set" "$associations" "$aet" "$dir") || die "sending to $server failed (logs in $dir)"
  if [ -n "$sampler" ]; then
    kill "$sampler" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
    rm -f "$WORK/threads-round$round-$name-$associations.txt.part"
    summarize_dumps "$WORK/threads-round$round-$name-$associations.txt" >&2
  fi
  if [ "$server" = orthanc ]; then held=$(count_orthanc); else held=$(count_vesalius); fi
  [ "$held" = "$expected" ] || die "$server holds $held instances, expected $expected (logs in $dir)"
  rss=$(peak_rss_mb "$SERVER_PID")
  bytes=$(set_bytes "$set")
  RESULTS+=("$round|$name|$associations|$server|$seconds|$(awk -v n="$COUNT" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }')|$(awk -v b="$bytes" -v s="$seconds" 'BEGIN { printf "%.1f", b / 1e6 / s }')|$rss")
  log "$server: $COUNT instances in ${seconds}s, holds $held, peak RSS ${rss} MB"
  stop_server
  $KEEP || rm -rf "$dir"
}

# --- main -------------------------------------------------------------------------------------

install_missing_tools
require_vesalius_built

start_run_dir

SETS=("$WORK/mr256-$COUNT")
$LARGE && SETS+=("$WORK/ct512-$COUNT")
for set in "${SETS[@]}"; do
  if [ "$(cat "$set/.complete" 2>/dev/null)" != "$COUNT" ]; then
    log "generating $COUNT instances into $set"
    start=$SECONDS
    size=256
    [[ "$set" == */ct512-* ]] && size=512
    "$HERE/gen-instances.sh" "$COUNT" "$size" "$set"
    log "generated in $((SECONDS - start))s"
  fi
done

# The warm-up: the first quarter (2000 64x64 instances, 40 studies) of the set dicomweb-bench.sh
# and qr-bench.sh also use.
WARMUP_SET="$WORK/mr64-8000-s50/q0"
if $WARMUP; then
  SERIES_SIZE=50 SERIES_PER_STUDY=1 ensure_set "$WORK/mr64-8000-s50" 8000 64
fi

SERVERS=(orthanc vesalius)
[ -z "$ONLY" ] || SERVERS=("$ONLY")
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for ((round = 1; round <= ROUNDS; round++)); do
  for set in "${SETS[@]}"; do
    for associations in $ASSOCIATIONS; do
      for server in "${SERVERS[@]}"; do
        measure "$round" "$server" "$set" "$associations"
      done
    done
  done
  # Whoever goes second may find warmer caches: swap the order every round.
  SERVERS=($(printf '%s\n' "${SERVERS[@]}" | tac))
done

# The report, in Markdown so that it can go straight into bench/RESULTS.md.
{
  echo "Run of $(date '+%Y-%m-%d %H:%M %Z') on $(nproc) cores, $(free -h | awk '/^Mem:/ { print $2 }') RAM," \
    "$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo
  echo "Orthanc $(Orthanc --version 2>/dev/null | head -1 | awk '{ print $2 }'), DCMTK $(storescu --version | head -1 | awk '{ print $3 }' | tr -d v)," \
    "Vesalius with JAVA_OPTS=$VESALIUS_JAVA_OPTS; $COUNT instances per set, $($WARMUP && echo "after a warm-up of 2000 small instances" || echo "no warm-up"); load average before $LOAD_BEFORE, after $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| round | set | assoc. | server | seconds | instances/s | MB/s | peak RSS MB |"
  echo "|---|---|---|---|---|---|---|---|"
  for row in "${RESULTS[@]}"; do echo "| ${row//|/ | } |"; done
  if [ -z "$ONLY" ]; then
    echo
    echo "| round | set | assoc. | Vesalius / Orthanc (instances/s) |"
    echo "|---|---|---|---|"
    # Rows come in pairs (both servers, same round, set and associations), in either order.
    for ((i = 0; i + 1 < ${#RESULTS[@]}; i += 2)); do
      IFS='|' read -r round name assoc first _ first_rate _ _ <<<"${RESULTS[$i]}"
      IFS='|' read -r _ _ _ _ _ second_rate _ _ <<<"${RESULTS[$((i + 1))]}"
      if [ "$first" = orthanc ]; then ratio="$second_rate / $first_rate"; else ratio="$first_rate / $second_rate"; fi
      echo "| $round | $name | $assoc | $(awk "BEGIN { printf \"%.2f\", $ratio }") |"
    done
  fi
} | tee "$WORK/last-result.md"
