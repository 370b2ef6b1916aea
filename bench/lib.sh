# Shared by the benchmarks (bench/store-bench.sh, bench/qr-bench.sh, bench/dicomweb-bench.sh):
# starting and stopping both servers on free loopback ports, instance sets, reporting. Source it
# after setting HERE (this folder) and REPO (the repository).

VESALIUS_JAVA_OPTS="${VESALIUS_JAVA_OPTS:--Xmx512m}"
READY_DEADLINE=120   # seconds a server may take to answer its readiness URL
STOP_DEADLINE=30     # seconds a server may take to exit after SIGTERM

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

CHOSEN_PORTS=" "
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    if [[ "$CHOSEN_PORTS" != *" $port "* ]] && [ -z "$(ss -Hltn "sport = :$port")" ]; then
      CHOSEN_PORTS+="$port "
      echo "$port"
      return
    fi
  done
}

# Polls URL until it answers 2xx, while PID lives, for at most READY_DEADLINE seconds.
wait_ready() {
  local url=$1 pid=$2 name=$3 logfile=$4
  local deadline=$((SECONDS + READY_DEADLINE))
  until curl -sf -o /dev/null --max-time 2 "$url"; do
    kill -0 "$pid" 2>/dev/null || { tail -30 "$logfile" >&2; die "$name exited before it was ready (log: $logfile)"; }
    [ $SECONDS -lt $deadline ] || { tail -30 "$logfile" >&2; die "$name not ready at $url after ${READY_DEADLINE}s"; }
    sleep 0.2
  done
}

SERVER_PID=""
stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_DEADLINE))
  while kill -0 "$SERVER_PID" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    log "server $SERVER_PID did not stop in ${STOP_DEADLINE}s; killing it"
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

peak_rss_mb() { awk '/^VmHWM:/ { printf "%d", $2 / 1024 }' "/proc/$1/status"; }
load_average() { cut -d' ' -f1-3 /proc/loadavg; }

# Makes SET (COUNT instances of SIZE, with SERIES_SIZE and SERIES_PER_STUDY in the environment)
# unless an earlier run left it complete.
ensure_set() {
  local set=$1 count=$2 size=$3
  [ "$(cat "$set/.complete" 2>/dev/null)" = "$count" ] && return
  log "generating $count instances into $set"
  "$HERE/gen-instances.sh" "$count" "$size" "$set"
}

# One tag of a DICOM file, e.g. tag_of FILE 0020,000d.
tag_of() { dcmdump +P "$2" "$1" | sed -n 's/.*\[\(.*\)\].*/\1/p' | head -1; }

ORTHANC_AET=ORTHANC
# Starts Orthanc on an empty folder DIR. ORTHANC_EXTRA_JSON (lines ending in commas) is added to
# its configuration: plugins, modalities.
start_orthanc() {
  local dir=$1 extra=${ORTHANC_EXTRA_JSON:-'"Plugins": [],'}
  mkdir -p "$dir"
  DICOM_PORT=$(free_port)
  HTTP_PORT=$(free_port)
  cat >"$dir/orthanc.json" <<JSON
{
  "Name": "bench",
  "StorageDirectory": "$dir/storage",
  "IndexDirectory": "$dir/index",
  "StorageCompression": false,
  "SyncStorageArea": true,
  $extra
  "DicomServerEnabled": true,
  "DicomAet": "$ORTHANC_AET",
  "DicomPort": $DICOM_PORT,
  "DicomAlwaysAllowStore": true,
  "DicomCheckCalledAet": false,
  "HttpPort": $HTTP_PORT,
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false,
  "KeepAlive": true,
  "TcpNoDelay": true,
  "SaveJobs": false
}
JSON
  # Orthanc's "TcpNoDelay" covers its HTTP server only; its DICOM side is DCMTK, which reads
  # Nagle's switch from the TCP_NODELAY environment variable.
  TCP_NODELAY=1 Orthanc --logfile="$dir/orthanc.log" "$dir/orthanc.json" >"$dir/stdout.log" 2>&1 &
  SERVER_PID=$!
  wait_ready "http://127.0.0.1:$HTTP_PORT/system" "$SERVER_PID" Orthanc "$dir/orthanc.log"
}
count_orthanc() {
  curl -sf "http://127.0.0.1:$HTTP_PORT/statistics" | grep -o '"CountInstances" *: *[0-9]*' | grep -o '[0-9]*$'
}

VESALIUS_AET=VESALIUS
start_vesalius() {
  local dir=$1
  mkdir -p "$dir"
  DICOM_PORT=$(free_port)
  HTTP_PORT=$(free_port)
  VESALIUS_DATA="$dir/data"
  (cd "$REPO" && JAVA_OPTS="$VESALIUS_JAVA_OPTS" exec ./vesalius serve --aet "$VESALIUS_AET" \
    --dicom-port "$DICOM_PORT" --http-port "$HTTP_PORT" --data-dir "$VESALIUS_DATA") >"$dir/vesalius.log" 2>&1 &
  SERVER_PID=$!
  wait_ready "http://127.0.0.1:$HTTP_PORT/health" "$SERVER_PID" Vesalius "$dir/vesalius.log"
}
count_vesalius() {
  # Every stored instance is one file under blobs/dicom/ (dot-files are temporaries).
  find "$VESALIUS_DATA/blobs/dicom" -type f ! -name '.*' 2>/dev/null | wc -l
}

# Sends the q0..q3 folders of SET to the running server over 4 parallel associations.
store_set() {
  local set=$1 aet=$2 logdir=$3 pids=() q failed=0
  for q in 0 1 2 3; do
    TCP_NODELAY=1 storescu -R +sd +r +sp '*.dcm' -aet BENCH -aec "$aet" 127.0.0.1 "$DICOM_PORT" "$set/q$q" \
      >"$logdir/storescu-$(basename "$set")-$q.log" 2>&1 &
    pids+=($!)
  done
  for q in "${!pids[@]}"; do
    wait "${pids[$q]}" || { failed=1; log "storescu $q failed: $(tail -3 "$logdir/storescu-$(basename "$set")-$q.log")"; }
  done
  return $failed
}

machine_line() {
  echo "$(nproc) cores, $(free -h | awk '/^Mem:/ { print $2 }') RAM, $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
}

# Which Vesalius ran: the tree's commit and when the server jar was built (others may have changed
# the tree since).
vesalius_build() {
  echo "$(git -C "$REPO" describe --always --dirty 2>/dev/null) (jar built $(date -r "$REPO/server/target/lib/vesalius-server.jar" '+%H:%M %Z'))"
}

# --- what every benchmark starts and ends with ------------------------------------------------

require_vesalius_built() {
  if [ "$ONLY" != orthanc ] && [ ! -f "$REPO/server/target/lib/vesalius-server.jar" ]; then
    die "Vesalius is not built: run 'make build' first"
  fi
}

# A scratch folder for this run, removed at exit (unless --keep) after the servers are stopped;
# a script with more to stop names its function in EXTRA_CLEANUP.
start_run_dir() {
  mkdir -p "$WORK"
  RUN_DIR=$(mktemp -d "$WORK/run.XXXXXX")
  trap cleanup EXIT
  trap 'exit 130' INT TERM
}
cleanup() {
  ${EXTRA_CLEANUP:-true}
  stop_server
  if $KEEP; then log "kept $RUN_DIR"; else rm -rf "$RUN_DIR"; fi
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
