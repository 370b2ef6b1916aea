#!/usr/bin/env bash
# DICOMweb: Vesalius (/dicomweb) against Orthanc with its DICOMweb plugin (/dicom-web), same data,
# same machine, same run. See bench/README.md. Usage:
#   bench/dicomweb-bench.sh [--only vesalius|orthanc] [--samples N] [--warmup N] [--keep]
#
# For each server, started fresh on an empty data folder: C-STORE of 8000 small instances (160
# studies of 50) over 4 associations; STOW-RS of 2000 256x256 MR instances (4 studies of 500) in
# requests of 50, to have 10 000 instances in the index; then QIDO-RS study searches, the /metadata
# of a 50-instance study and /rendered (JPEG) of one instance, as median latencies of N samples
# after 200 warm-up requests (a steady state: the JVM has compiled the paths by then); then WADO-RS
# retrieval of three whole 500-instance studies (after one warm-up study) with curl, as instances/s.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
WORK="$HERE/work"
ONLY=""
SAMPLES=100
WARMUP=200
KEEP=false
ORTHANC_DICOMWEB_PLUGIN=/usr/share/orthanc/plugins/libOrthancDicomWeb.so

usage() { sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --only) ONLY=$2; shift ;;
    --samples) SAMPLES=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --keep) KEEP=true ;;
    -h|--help) usage ;;
    *) echo "dicomweb-bench: unknown option $1" >&2; usage ;;
  esac
  shift
done

# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"

command -v storescu >/dev/null && command -v dcmdump >/dev/null || die "DCMTK missing (apt-get install dcmtk)"
if [ "$ONLY" != vesalius ]; then
  command -v Orthanc >/dev/null || die "Orthanc missing (apt-get install orthanc; then stop its service)"
  [ -f "$ORTHANC_DICOMWEB_PLUGIN" ] || die "Orthanc's DICOMweb plugin missing (apt-get install orthanc-dicomweb)"
fi
require_vesalius_built

start_run_dir

# The big studies (STOW-RS, WADO-RS) and the filler that brings the index to 10 000 instances.
BIG="$WORK/mr256-2000-s500"
FILLER="$WORK/mr64-8000-s50"
SERIES_SIZE=100 SERIES_PER_STUDY=5 ensure_set "$BIG" 2000 256
SERIES_SIZE=50 SERIES_PER_STUDY=1 ensure_set "$FILLER" 8000 64
TOTAL=10000

# Quarter qK of the big set is study K (indices 500K..500K+499), the filler's q0/0.dcm opens study 0.
big_study() { tag_of "$BIG/q$1/$(($1 * 500)).dcm" 0020,000d; }
RENDERED_FILE="$BIG/q0/0.dcm"
RENDERED_PATH="studies/$(big_study 0)/series/$(tag_of "$RENDERED_FILE" 0020,000e)/instances/$(tag_of "$RENDERED_FILE" 0008,0018)/rendered"
METADATA_PATH="studies/$(tag_of "$FILLER/q0/0.dcm" 0020,000d)/metadata"
WADO_ACCEPT='multipart/related; type="application/dicom"'
mapfile -t STOW_FILES < <(find "$BIG" -name '*.dcm' | sort -V)
[ ${#STOW_FILES[@]} = 2000 ] || die "expected 2000 files in $BIG, found ${#STOW_FILES[@]}"

RESULTS=()   # "server|STOW inst/s|QIDO ms|metadata ms|rendered ms|WADO inst/s|peak RSS MB"
LOADS=()     # the load average before each measurement

note_load() { LOADS+=("$1 $2: $(load_average)"); }

latency() { # SERVER STEP ACCEPT PATH... -> "median p90 n bytes"
  local server=$1 step=$2 accept=$3 urls=() path
  shift 3
  for path in "$@"; do urls+=("$BASE/$path"); done
  note_load "$server" "$step"
  python3 "$HERE/httpbench.py" latency --accept "$accept" --warmup "$WARMUP" --samples "$SAMPLES" "${urls[@]}"
}

# GETs each URL in turn over one kept-alive connection with curl, which reads ~1 GB/s here where
# Python's http.client tops out near 600 MB/s and would measure itself. -> "seconds bytes"
wado_fetch() {
  local args=() url
  for url in "$@"; do args+=(-o /dev/null "$url"); done
  curl -sf -H "Accept: $WADO_ACCEPT" -w '%{http_code} %{time_total} %{size_download}\n' "${args[@]}" |
    awk '$1 != 200 { bad = 1 } { t += $2; b += $3 } END { if (bad || NR == 0) exit 1; printf "%.3f %d\n", t, b }'
}

measure() {
  local server=$1 dir="$RUN_DIR/$1" aet held seconds stow qido meta rendered wado rss matches
  sync
  if [ "$server" = orthanc ]; then
    ORTHANC_EXTRA_JSON="\"Plugins\": [\"$ORTHANC_DICOMWEB_PLUGIN\"], \"DicomWeb\": {\"Enable\": true, \"Root\": \"/dicom-web/\"},"
    start_orthanc "$dir"
    aet=$ORTHANC_AET BASE="http://127.0.0.1:$HTTP_PORT/dicom-web"
    # A literal ^: the Orthanc plugin 1.7 does not percent-decode query values (%5E matches nothing),
    # where Vesalius (rightly) refuses a ^ that is not percent-encoded.
    QIDO_PATHS=("studies?PatientName=Bench^Patient1*" "studies?StudyDate=20240101-20240107")
  else
    start_vesalius "$dir"
    aet=$VESALIUS_AET BASE="http://127.0.0.1:$HTTP_PORT/dicomweb"
    QIDO_PATHS=("studies?PatientName=Bench%5EPatient1*" "studies?StudyDate=20240101-20240107")
  fi
  log "$server ready (pid $SERVER_PID, DICOM $DICOM_PORT, HTTP $HTTP_PORT)"

  # The filler first: STOW-RS then goes into an archive that already holds 8000 instances, through
  # an ingest path that has run (on a JVM: compiled) before, as on a server that has been up a while.
  store_set "$FILLER" "$aet" "$dir" || die "C-STORE of the filler to $server failed"

  note_load "$server" STOW-RS
  read -r seconds _ < <(python3 "$HERE/httpbench.py" stow --batch 50 "$BASE/studies" "${STOW_FILES[@]}") \
    || die "STOW-RS to $server failed"
  stow=$(awk -v s="$seconds" 'BEGIN { printf "%.0f", 2000 / s }')
  log "$server: STOW-RS 2000 instances in ${seconds}s ($stow/s)"

  if [ "$server" = orthanc ]; then held=$(count_orthanc); else held=$(count_vesalius); fi
  [ "$held" = "$TOTAL" ] || die "$server holds $held instances, expected $TOTAL (logs in $dir)"

  read -r qido qido90 _ _ < <(latency "$server" QIDO-RS application/dicom+json "${QIDO_PATHS[@]}")
  matches=""
  for path in "${QIDO_PATHS[@]}"; do
    matches+="$(curl -sf -H 'Accept: application/dicom+json' -g "$BASE/$path" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')/"
  done
  log "$server: QIDO-RS median ${qido} ms (p90 ${qido90}), studies matched ${matches%/}"
  read -r meta meta90 _ metabytes < <(latency "$server" metadata application/dicom+json "$METADATA_PATH")
  log "$server: /metadata median ${meta} ms (p90 ${meta90}), $metabytes bytes"
  read -r rendered rendered90 _ jpegbytes < <(latency "$server" rendered image/jpeg "$RENDERED_PATH")
  log "$server: /rendered median ${rendered} ms (p90 ${rendered90}), $jpegbytes bytes"

  wado_fetch "$BASE/studies/$(big_study 3)" >/dev/null || die "WADO-RS warm-up from $server failed"
  note_load "$server" WADO-RS
  read -r seconds bytes < <(wado_fetch "$BASE/studies/$(big_study 0)" "$BASE/studies/$(big_study 1)" \
    "$BASE/studies/$(big_study 2)") || die "WADO-RS from $server failed"
  # The three studies hold 1500 files of 131 KB: an answer much smaller is not the whole studies.
  [ "$bytes" -gt $((1500 * 131000)) ] || die "WADO-RS from $server returned only $bytes bytes"
  wado=$(awk -v s="$seconds" 'BEGIN { printf "%.0f", 1500 / s }')
  log "$server: WADO-RS 1500 instances ($bytes bytes) in ${seconds}s ($wado/s)"

  rss=$(peak_rss_mb "$SERVER_PID")
  RESULTS+=("$server|$stow|$qido (p90 $qido90; ${matches%/} studies)|$meta (p90 $meta90)|$rendered (p90 $rendered90)|$wado|$rss")
  stop_server
}

SERVERS=(orthanc vesalius)
[ -z "$ONLY" ] || SERVERS=("$ONLY")
for server in "${SERVERS[@]}"; do measure "$server"; done

{
  echo "Run of $(date '+%Y-%m-%d %H:%M %Z') on $(machine_line)"
  echo
  echo "Orthanc $(Orthanc --version 2>/dev/null | head -1 | awk '{ print $2 }') with DICOMweb plugin" \
    "$(dpkg-query -W -f '${Version}' orthanc-dicomweb 2>/dev/null), Vesalius $(vesalius_build)" \
    "with JAVA_OPTS=$VESALIUS_JAVA_OPTS; $SAMPLES samples per latency after $WARMUP warm-up requests"
  echo
  echo "| server | STOW-RS inst/s | QIDO-RS ms (median) | /metadata ms | /rendered ms | WADO-RS inst/s | peak RSS MB |"
  echo "|---|---|---|---|---|---|---|"
  for row in "${RESULTS[@]}"; do echo "| ${row//|/ | } |"; done
  if [ ${#RESULTS[@]} = 2 ]; then
    IFS='|' read -r _ os oq om orr ow _ <<<"${RESULTS[0]}"
    IFS='|' read -r _ vs vq vm vr vw _ <<<"${RESULTS[1]}"
    echo
    echo "Vesalius / Orthanc: STOW-RS $(ratio "$vs" "$os") (target >= 2), WADO-RS $(ratio "$vw" "$ow") (target >= 2);" \
      "latency QIDO-RS $(ratio "${vq%% *}" "${oq%% *}"), /metadata $(ratio "${vm%% *}" "${om%% *}")," \
      "/rendered $(ratio "${vr%% *}" "${orr%% *}") (targets <= 0.5)"
  fi
  echo
  echo "Load average (1, 5, 15 min) before each measurement:"
  echo
  for line in "${LOADS[@]}"; do echo "- $line"; done
} | tee "$WORK/last-dicomweb-result.md"
