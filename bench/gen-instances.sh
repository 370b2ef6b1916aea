#!/usr/bin/env bash
# Generates COUNT distinct single-frame DICOM instances (explicit VR little endian, 16-bit
# MONOCHROME2, random pixels) for the C-STORE benchmark.
#
#   bench/gen-instances.sh COUNT SIZE OUTDIR      e.g. bench/gen-instances.sh 2000 256 bench/work/mr256
#
# SIZE 256 makes 256x256 MR images (~130 KB), SIZE 512 makes 512x512 CT images (~520 KB), SIZE 64
# makes 64x64 MR images (~9 KB, to fill an index quickly).
# OUTDIR gets four folders q0..q3 with a quarter of the instances each (one per parallel
# association); 100 instances make a series, 4 series a study, one study a patient (change with the
# environment variables SERIES_SIZE and SERIES_PER_STUDY). Study k is dated 2024-01-(k mod 28 + 1). Every run
# draws new UIDs under a random 2.25 root, so two sets never collide.
#
# Speed (2000 instances in seconds, not minutes): dump2dcm writes one header template per series;
# each instance is that template with its numbers substituted in place (same widths, so no length
# field changes) followed by a Pixel Data element of fresh random bytes.
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 COUNT SIZE(64|256|512) OUTDIR" >&2
  exit 2
fi
COUNT=$1 SIZE=$2 OUT=$3
case "$SIZE" in
  64) MODALITY=MR SOP_CLASS=MRImageStorage ;;
  256) MODALITY=MR SOP_CLASS=MRImageStorage ;;
  512) MODALITY=CT SOP_CLASS=CTImageStorage ;;
  *) echo "$0: SIZE must be 64, 256 or 512" >&2; exit 2 ;;
esac
command -v dump2dcm >/dev/null || { echo "$0: dump2dcm missing (apt-get install dcmtk)" >&2; exit 1; }

PIXEL_BYTES=$((SIZE * SIZE * 2))
SERIES_SIZE=${SERIES_SIZE:-100}
SERIES_PER_STUDY=${SERIES_PER_STUDY:-4}
# 2.25 + a random integer of up to 30 digits stands in for a UUID-derived root: unique per run.
ROOT="2.25.$(od -An -N16 -tu8 /dev/urandom | tr -d ' \n' | cut -c1-30 | sed 's/^0*//')"

# Slots in a series' template header, replaced per instance by values of the same width.
SOP_SLOT=8888888     # last component of the SOP Instance UID: 1000000 + index
NUMBER_SLOT=7777777  # Instance Number, right-aligned in 7 characters
Z_SLOT=6666666       # z of Image Position (Patient), right-aligned in 7 characters

# Little-endian bytes of the Pixel Data element header: (7FE0,0010) OW, 2 reserved bytes, length.
pixel_element_header() {
  local n=$PIXEL_BYTES
  printf '\xe0\x7f\x10\x00OW\x00\x00'
  # shellcheck disable=SC2059
  printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((n & 255)) $((n >> 8 & 255)) $((n >> 16 & 255)) $((n >> 24 & 255)))"
}

# The header (everything but Pixel Data) of one series, with the slots above, by dump2dcm.
write_series_template() {
  local study=$1 series=$2 target=$3
  cat >"$target.dump" <<DUMP
(0002,0001) OB 00\\01
(0002,0002) UI =$SOP_CLASS
(0002,0003) UI [$ROOT.$study.$series.$SOP_SLOT]
(0002,0010) UI =LittleEndianExplicit
(0008,0005) CS [ISO_IR 100]
(0008,0008) CS [ORIGINAL\\PRIMARY\\AXIAL]
(0008,0016) UI =$SOP_CLASS
(0008,0018) UI [$ROOT.$study.$series.$SOP_SLOT]
(0008,0020) DA [202401$(printf '%02d' $((study % 28 + 1)))]
(0008,0030) TM [101500]
(0008,0050) SH [ACC$study]
(0008,0060) CS [$MODALITY]
(0008,0070) LO [Vesalius bench]
(0008,0090) PN [Referring^Doctor]
(0008,1030) LO [Bench study $study]
(0008,103e) LO [Bench series $series]
(0010,0010) PN [Bench^Patient$study]
(0010,0020) LO [BENCH$study]
(0010,0030) DA [19700101]
(0010,0040) CS [O]
(0018,0050) DS [1.5]
(0020,000d) UI [$ROOT.$study]
(0020,000e) UI [$ROOT.$study.$series]
(0020,0010) SH [S$study]
(0020,0011) IS [$series]
(0020,0013) IS [$NUMBER_SLOT]
(0020,0032) DS [-120\\-120\\$Z_SLOT]
(0020,0037) DS [1\\0\\0\\0\\1\\0]
(0020,0052) UI [$ROOT.$study.0]
(0028,0002) US 1
(0028,0004) CS [MONOCHROME2]
(0028,0010) US $SIZE
(0028,0011) US $SIZE
(0028,0030) DS [0.9\\0.9]
(0028,0100) US 16
(0028,0101) US 16
(0028,0102) US 15
(0028,0103) US 0
DUMP
  dump2dcm -q "$target.dump" "$target"
  rm -f "$target.dump"
}

# Writes instances FROM..TO-1 into folder q$QUARTER.
generate_range() {
  local quarter=$1 from=$2 to=$3 dir="$OUT/q$1" i series study template=""
  mkdir -p "$dir"
  for ((i = from; i < to; i++)); do
    series=$((i / SERIES_SIZE))
    study=$((series / SERIES_PER_STUDY))
    if [ "$template" != "$dir/.series$series" ]; then
      rm -f "$template"
      template="$dir/.series$series"
      write_series_template "$study" "$series" "$template"
    fi
    LC_ALL=C sed -e "s/$SOP_SLOT/$((1000000 + i))/g" \
      -e "s/$NUMBER_SLOT/$(printf '%7d' $((i % SERIES_SIZE + 1)))/" \
      -e "s/$Z_SLOT/$(printf '%7d' $((i % SERIES_SIZE)))/" "$template" >"$dir/$i.dcm"
    { pixel_element_header; head -c "$PIXEL_BYTES" /dev/urandom; } >>"$dir/$i.dcm"
  done
  rm -f "$template"
}

rm -rf "$OUT"
mkdir -p "$OUT"
pids=()
for q in 0 1 2 3; do
  generate_range "$q" $((COUNT * q / 4)) $((COUNT * (q + 1) / 4)) &
  pids+=($!)
done
for pid in "${pids[@]}"; do
  wait "$pid"
done
echo "$COUNT" >"$OUT/.complete"
