#!/usr/bin/env bash
# Whole-process timings of the batch CLI (issue 14 "Batch"): swiftval validate
# over 1 000 pacs.008 files against xmllint --noout --schema over the same
# files, and 20 000 MT103 in one RJE file and in one NDJSON file. Run from the repository root,
# beside ../shared; needs hyperfine and xmllint (apt-get install hyperfine
# libxml2-utils). Times both builds: bin/swiftval (full) and bin/swiftval-lite
# (-tags lite: validate only, no serve/consume/CEL libraries linked). Writes
# nothing in the repository but those two binaries.
#
#   benchmarks/cli-batch.sh [RUNS]      (default 20 runs per command)
set -euo pipefail
runs=${1:-20}
sample=../shared/corpus/mx/moov-io__wire20022/CustomerCreditTransfer__swiftSample__CustomerCreditTransfer_Scenario1_Step1_pacs.008.xml
xsd=../shared/xsd/pacs.008.001.08.xsd
mt103=testdata/mt/valid_mt103.fin
for tool in hyperfine xmllint; do command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 2; }; done

CGO_ENABLED=0 go build -tags validator_novalidatefn -ldflags='-s -w' -o bin/swiftval ./cmd/swiftval # as make build
CGO_ENABLED=0 go build -tags lite -ldflags='-s -w' -o bin/swiftval-lite ./cmd/swiftval
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/mx"
for i in $(seq -w 0 999); do cp "$sample" "$work/mx/p$i.xml"; done
# 20 000 MT103 in one RJE file ('$' between messages).
python3 - "$mt103" "$work/mt103-20000.rje" <<'PY'
import sys
m = open(sys.argv[1], 'rb').read().strip()
open(sys.argv[2], 'wb').write(b'$'.join([m] * 20000))
PY
# The same 20 000 as NDJSON lines ({"id","message"}, as the batch endpoint takes).
python3 - "$mt103" "$work/mt103-20000.ndjson" <<'PY'
import json, sys
m = open(sys.argv[1]).read().strip()
with open(sys.argv[2], 'w') as f:
    for i in range(20000):
        f.write(json.dumps({"id": "m%d" % i, "message": m}) + "\n")
PY

echo "# $(date -u +%FT%TZ) $(nproc) CPUs, $(uname -r); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N -w 3 -r "$runs" --export-markdown "$work/mx.md" \
  -n 'xmllint --noout --schema (1000 files)' "xmllint --noout --schema $xsd $(echo $work/mx/*.xml)" \
  -n 'swiftval validate -q DIR (1000 files)' "bin/swiftval validate -q $work/mx" \
  -n 'swiftval-lite validate -q DIR (1000 files)' "bin/swiftval-lite validate -q $work/mx" \
  -n 'swiftval-lite validate -q --jobs 1 DIR (1000 files, one core)' "bin/swiftval-lite validate -q --jobs 1 $work/mx" \
  -n 'swiftval validate -q one file (start-up)' "bin/swiftval validate -q $work/mx/p000.xml" \
  -n 'swiftval-lite validate -q one file (start-up)' "bin/swiftval-lite validate -q $work/mx/p000.xml"
hyperfine -N -w 3 -r "$runs" --export-markdown "$work/mt.md" \
  -n 'swiftval validate -q --output json RJE (20000 MT103)' "bin/swiftval validate -q --output json $work/mt103-20000.rje" \
  -n 'swiftval-lite validate -q --output json RJE (20000 MT103)' "bin/swiftval-lite validate -q --output json $work/mt103-20000.rje" \
  -n 'swiftval-lite validate -q --output json --jobs 1 RJE (20000 MT103, one core)' "bin/swiftval-lite validate -q --output json --jobs 1 $work/mt103-20000.rje" \
  -n 'swiftval-lite validate -q --output json --ndjson (20000 MT103 lines)' "bin/swiftval-lite validate -q --output json --ndjson $work/mt103-20000.ndjson" \
  -n 'swiftval validate -q one MT103 (start-up)' "bin/swiftval validate -q $mt103" \
  -n 'swiftval-lite validate -q one MT103 (start-up)' "bin/swiftval-lite validate -q $mt103"
cat "$work/mx.md" "$work/mt.md"
# hyperfine runs each command's rounds one after the other, so a machine
# whose speed drifts (a shared VM) skews the ratio; the same comparison
# interleaved, with the ratio of each round's pair:
python3 - "$runs" "$xsd" "$work/mx" <<'PY'
import glob, statistics, subprocess, sys, time
runs, xsd, d = int(sys.argv[1]), sys.argv[2], sys.argv[3]
cmds = {'xmllint': ['xmllint', '--noout', '--schema', xsd] + sorted(glob.glob(d + '/*.xml')),
        'swiftval': ['bin/swiftval', 'validate', '-q', d],
        'swiftval-lite': ['bin/swiftval-lite', 'validate', '-q', d]}
res = {k: [] for k in cmds}
for r in range(runs + 1):
    for k, c in cmds.items():
        t = time.perf_counter()
        subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if r:  # the first round warms the page cache
            res[k].append((time.perf_counter() - t) * 1000)
for k in ('swiftval', 'swiftval-lite'):
    q = sorted(x / y for x, y in zip(res['xmllint'], res[k]))
    print(f"1000 files, interleaved, {runs} rounds: xmllint {statistics.median(res['xmllint']):.1f} ms, {k} {statistics.median(res[k]):.1f} ms; "
          f"xmllint/{k} per round: median {statistics.median(q):.2f}x, range {q[0]:.2f}-{q[-1]:.2f}")
PY
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -f 'peak RSS %M KB (1000 files)' bin/swiftval validate -q "$work/mx" >/dev/null
/usr/bin/time -f 'peak RSS %M KB (20000-message RJE, json)' bin/swiftval validate -q --output json "$work/mt103-20000.rje" >/dev/null
/usr/bin/time -f 'peak RSS %M KB (20000-line NDJSON, json)' bin/swiftval validate -q --output json --ndjson "$work/mt103-20000.ndjson" >/dev/null
/usr/bin/time -f 'lite: peak RSS %M KB (1000 files)' bin/swiftval-lite validate -q "$work/mx" >/dev/null
/usr/bin/time -f 'lite: peak RSS %M KB (20000-message RJE, json)' bin/swiftval-lite validate -q --output json "$work/mt103-20000.rje" >/dev/null
/usr/bin/time -f 'lite: peak RSS %M KB (one MT103)' bin/swiftval-lite validate -q "$mt103" >/dev/null
