#!/usr/bin/env bash
# Query/retrieve: C-FIND, C-MOVE and C-GET against Vesalius and Orthanc, same data, same machine,
# same run. See bench/README.md. Usage:
#   bench/qr-bench.sh [--only vesalius|orthanc] [--queries N] [--keep]
#
# For each server, started fresh on an empty data folder: C-STORE of 10 000 instances over 4
# associations (2000 256x256 MR in 4 studies of 500, 8000 small ones in 160 studies of 50); N
# study-level C-FIND queries (half by PatientName wildcard, half by StudyDate range), each one
# findscu run timed from start to exit, after 10 warm-up queries; then C-MOVE of a 500-instance
# study to a DCMTK storescp and C-GET of one with getscu, each after one warm-up study, as
# instances/s (median of three studies).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
WORK="$HERE/work"
ONLY=""
QUERIES=100
KEEP=false

usage() { sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --only) ONLY=$2; shift ;;
    --queries) QUERIES=$2; shift ;;
    --keep) KEEP=true ;;
    -h|--help) usage ;;
    *) echo "qr-bench: unknown option $1" >&2; usage ;;
  esac
  shift
done

# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"

for tool in storescu findscu movescu getscu storescp dcmdump; do
  command -v "$tool" >/dev/null || die "$tool missing (apt-get install dcmtk)"
done
[ "$ONLY" = vesalius ] || command -v Orthanc >/dev/null || die "Orthanc missing (apt-get install orthanc)"
require_vesalius_built

SCP_PID=""
stop_scp() {
  [ -n "$SCP_PID" ] || return 0
  kill -TERM "$SCP_PID" 2>/dev/null || true
  wait "$SCP_PID" 2>/dev/null || true
  SCP_PID=""
}
EXTRA_CLEANUP=stop_scp
start_run_dir

BIG="$WORK/mr256-2000-s500"
FILLER="$WORK/mr64-8000-s50"
SERIES_SIZE=100 SERIES_PER_STUDY=5 ensure_set "$BIG" 2000 256
SERIES_SIZE=50 SERIES_PER_STUDY=1 ensure_set "$FILLER" 8000 64
TOTAL=10000
big_study() { tag_of "$BIG/q$1/$(($1 * 500)).dcm" 0020,000d; }

# The destination of C-MOVE: a DCMTK storescp, known to both servers before they start.
SCP_AET=BENCHSCP
SCP_PORT=$(free_port)
start_scp() {
  local dir=$1
  mkdir -p "$dir"
  TCP_NODELAY=1 storescp -aet "$SCP_AET" -od "$dir" "$SCP_PORT" >"$dir.log" 2>&1 &
  SCP_PID=$!
  local deadline=$((SECONDS + 10))
  until [ -n "$(ss -Hltn "sport = :$SCP_PORT")" ]; do
    kill -0 "$SCP_PID" 2>/dev/null || die "storescp exited: $(tail -3 "$dir.log")"
    [ $SECONDS -lt $deadline ] || die "storescp not listening on $SCP_PORT after 10s"
    sleep 0.1
  done
}

RESULTS=()   # "server|C-FIND ms (median, p90)|C-MOVE inst/s|C-GET inst/s|peak RSS MB"
LOADS=()
note_load() { LOADS+=("$1 $2: $(load_average)"); }

# Times QUERIES + 10 findscu runs (the first 10 not counted); prints "median p90 matches-of-each-kind
# echo-median on-one-association": echo-median, the median of 30 echoscu runs, is what a run costs
# without the query (process start, association, a C-ECHO); on-one-association is the mean time of a
# query when 101 of each kind run on one association (findscu --repeat), less the run of just one.
cfind_latency() {
  local aet=$1 dir=$2
  python3 - "$aet" "$DICOM_PORT" "$QUERIES" "$dir" <<'PY'
import statistics, subprocess, sys, time, os
aet, port, queries, logdir = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
common = ["findscu", "-S", "-aet", "BENCH", "-aec", aet, "127.0.0.1", port, "-k", "QueryRetrieveLevel=STUDY",
          "-k", "StudyInstanceUID", "-k", "PatientID", "-k", "StudyDescription", "-k", "AccessionNumber"]
kinds = [["-k", "PatientName=Bench^Patient1*", "-k", "StudyDate"],
         ["-k", "PatientName", "-k", "StudyDate=20240101-20240107"]]
env = dict(os.environ, TCP_NODELAY="1")
times, matches = [], {}
for i in range(10 + queries):
    kind = i % 2
    start = time.perf_counter()
    run = subprocess.run(common + kinds[kind] + ["-v"], capture_output=True, text=True, env=env)
    elapsed = (time.perf_counter() - start) * 1000
    if run.returncode != 0 or "Success" not in run.stdout + run.stderr:
        sys.exit("findscu failed: " + (run.stdout + run.stderr)[-800:])
    matches[kind] = (run.stdout + run.stderr).count("(Pending)")
    if i >= 10:
        times.append(elapsed)
times.sort()
echoes = []
for i in range(35):
    start = time.perf_counter()
    subprocess.run(["echoscu", "-aet", "BENCH", "-aec", aet, "127.0.0.1", port], check=True, capture_output=True, env=env)
    if i >= 5:
        echoes.append((time.perf_counter() - start) * 1000)
def timed_run(kind, repeat):
    start = time.perf_counter()
    subprocess.run(common + kinds[kind] + ["--repeat", str(repeat)], check=True, capture_output=True, env=env)
    return time.perf_counter() - start
per_query = []
for kind in (0, 1):
    timed_run(kind, 5)
    per_query.append((timed_run(kind, 101) - timed_run(kind, 1)) * 1000 / 100)
print(f"{statistics.median(times):.1f} {times[int(len(times) * 0.9)]:.1f} {matches[0]}/{matches[1]} "
      f"{statistics.median(echoes):.1f} {statistics.mean(per_query):.1f}")
PY
}

# Moves or gets (MODE move|get) big study K; prints seconds, after checking that 500 files came.
retrieve_study() {
  local mode=$1 aet=$2 k=$3 dir=$4 uid start end got before
  uid=$(big_study "$k")
  before=$(find "$dir/scp" -type f | wc -l)
  start=$(date +%s.%N)
  if [ "$mode" = move ]; then
    TCP_NODELAY=1 movescu -S -aet BENCH -aec "$aet" -aem "$SCP_AET" -k QueryRetrieveLevel=STUDY \
      -k "StudyInstanceUID=$uid" 127.0.0.1 "$DICOM_PORT" >"$dir/movescu-$k.log" 2>&1 \
      || die "movescu failed: $(tail -5 "$dir/movescu-$k.log")"
  else
    mkdir -p "$dir/get-$k"
    TCP_NODELAY=1 getscu -S -aet BENCH -aec "$aet" -od "$dir/get-$k" -k QueryRetrieveLevel=STUDY \
      -k "StudyInstanceUID=$uid" 127.0.0.1 "$DICOM_PORT" >"$dir/getscu-$k.log" 2>&1 \
      || die "getscu failed: $(tail -5 "$dir/getscu-$k.log")"
  fi
  end=$(date +%s.%N)
  if [ "$mode" = move ]; then
    got=$(($(find "$dir/scp" -type f | wc -l) - before))
  else
    got=$(find "$dir/get-$k" -type f | wc -l)
  fi
  [ "$got" = 500 ] || die "C-${mode^^} of study $k from $aet delivered $got instances, expected 500 (logs in $dir)"
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }'
}

# Median instances/s of C-MOVE or C-GET over studies 0, 1, 2 after a warm-up with study 3.
retrieve_rate() {
  local mode=$1 aet=$2 dir=$3 k rates=()
  retrieve_study "$mode" "$aet" 3 "$dir" >/dev/null
  for k in 0 1 2; do
    rates+=("$(awk -v s="$(retrieve_study "$mode" "$aet" "$k" "$dir")" 'BEGIN { printf "%.0f", 500 / s }')")
  done
  printf '%s\n' "${rates[@]}" | sort -n | sed -n 2p
}

measure() {
  local server=$1 dir="$RUN_DIR/$1" aet held find find90 matches echo onassoc move get rss
  mkdir -p "$dir"
  sync
  start_scp "$dir/scp"
  if [ "$server" = orthanc ]; then
    ORTHANC_EXTRA_JSON="\"Plugins\": [], \"DicomModalities\": {\"scp\": [\"$SCP_AET\", \"127.0.0.1\", $SCP_PORT], \"bench\": [\"BENCH\", \"127.0.0.1\", $SCP_PORT]}, \"DicomAlwaysAllowFind\": true, \"DicomAlwaysAllowGet\": true,"
    start_orthanc "$dir"
    aet=$ORTHANC_AET
  else
    start_vesalius "$dir"
    aet=$VESALIUS_AET
    for ae in "$SCP_AET" BENCH; do
      curl -sf -X PUT -H 'Content-Type: application/json' -d "{\"host\": \"127.0.0.1\", \"port\": $SCP_PORT}" \
        "http://127.0.0.1:$HTTP_PORT/api/aes/$ae" >/dev/null || die "registering $ae with Vesalius failed"
    done
  fi
  log "$server ready (pid $SERVER_PID, DICOM $DICOM_PORT, HTTP $HTTP_PORT); loading $TOTAL instances"
  store_set "$BIG" "$aet" "$dir" || die "C-STORE to $server failed"
  store_set "$FILLER" "$aet" "$dir" || die "C-STORE to $server failed"
  if [ "$server" = orthanc ]; then held=$(count_orthanc); else held=$(count_vesalius); fi
  [ "$held" = "$TOTAL" ] || die "$server holds $held instances, expected $TOTAL (logs in $dir)"

  note_load "$server" C-FIND
  read -r find find90 matches echo onassoc < <(cfind_latency "$aet" "$dir") || die "C-FIND against $server failed"
  log "$server: C-FIND median $find ms (p90 $find90), studies matched $matches; echoscu median $echo ms; $onassoc ms a query on one association"
  note_load "$server" C-MOVE
  move=$(retrieve_rate move "$aet" "$dir")
  log "$server: C-MOVE $move instances/s"
  note_load "$server" C-GET
  get=$(retrieve_rate get "$aet" "$dir")
  log "$server: C-GET $get instances/s"
  rss=$(peak_rss_mb "$SERVER_PID")
  RESULTS+=("$server|$find (p90 $find90; $matches studies)|$echo|$onassoc|$move|$get|$rss")
  stop_server
  stop_scp
}

SERVERS=(orthanc vesalius)
[ -z "$ONLY" ] || SERVERS=("$ONLY")
for server in "${SERVERS[@]}"; do measure "$server"; done

{
  echo "Run of $(date '+%Y-%m-%d %H:%M %Z') on $(machine_line)"
  echo
  echo "Orthanc $(Orthanc --version 2>/dev/null | head -1 | awk '{ print $2 }'), DCMTK $(storescu --version | head -1 | awk '{ print $3 }' | tr -d v)," \
    "Vesalius $(vesalius_build) with JAVA_OPTS=$VESALIUS_JAVA_OPTS;" \
    "$QUERIES C-FIND queries after 10 warm-up ones, each a whole findscu run (process, association, query); C-ECHO: the same without the query"
  echo
  echo "| server | C-FIND ms (median) | C-ECHO ms (median) | C-FIND ms, one association (mean) | C-MOVE inst/s | C-GET inst/s | peak RSS MB |"
  echo "|---|---|---|---|---|---|---|"
  for row in "${RESULTS[@]}"; do echo "| ${row//|/ | } |"; done
  if [ ${#RESULTS[@]} = 2 ]; then
    IFS='|' read -r _ of _ oa om og _ <<<"${RESULTS[0]}"
    IFS='|' read -r _ vf _ va vm vg _ <<<"${RESULTS[1]}"
    echo
    echo "Vesalius / Orthanc: C-FIND latency $(ratio "${vf%% *}" "${of%% *}"), on one association $(ratio "$va" "$oa") (target <= 0.5)," \
      "C-MOVE $(ratio "$vm" "$om"), C-GET $(ratio "$vg" "$og") (targets >= 2)"
  fi
  echo
  echo "Load average (1, 5, 15 min) before each measurement:"
  echo
  for line in "${LOADS[@]}"; do echo "- $line"; done
} | tee "$WORK/last-qr-result.md"
