#!/usr/bin/env bash
# Stream-mode figures (benchmarks/README.md, "Stream mode"): a NATS server
# process (built from the nats-server module swiftval's tests embed) and
# swiftval consume processes on this machine's cores, loopback only.
#
#   benchmarks/stream-bench.sh throughput [N] [memory|file]  one consumer drains an N-message MT103 backlog
#   benchmarks/stream-bench.sh latency [RATE] [SECONDS]      swiftval publish --rate: publish-to-result percentiles
#   benchmarks/stream-bench.sh scale [N] [CPU]               1, 2 and 4 consumers, each capped at CPU cores (cgroup v1 cpu quota)
#   benchmarks/stream-bench.sh backlog [N]                   one consumer's peak RSS while draining an N-message backlog
#
# Every run stops what it started. Results go to $OUT (default /tmp/swiftval-stream-bench).
# TAGS=noembeddednats builds the consumer without the embedded NATS server (as the image does).
# BROKER_CPUS, CONSUMER_CPUS, PUBLISHER_CPUS (taskset lists such as 1 or 0,1) pin the processes,
# to see what each costs when it does not share a core with the others.
# BROKER_ENV, CONSUMER_ENV, PUBLISHER_ENV (such as GOMAXPROCS=1 GOGC=200) set
# the environment of each process alone; CONSUMER_ARGS adds consume flags
# (such as --results-max-age 2m).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/swiftval-stream-bench}
mkdir -p "$OUT"
BIN=$OUT/bin
mkdir -p "$BIN"
go build -tags "validator_novalidatefn${TAGS:+,$TAGS}" -o "$BIN/swiftval" ./cmd/swiftval # the tags of make build
go build -o "$BIN/nats-server" github.com/nats-io/nats-server/v2
SAMPLE=loadtest/samples/mt103.fin
PORT=${PORT:-24222}
URL=nats://127.0.0.1:$PORT
PIDS=()
CGROUPS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	for c in "${CGROUPS[@]}"; do rmdir "$c" 2>/dev/null || true; done
}
trap cleanup EXIT

ticks() { # CPU seconds (user+system) of a process
	awk -v hz="$(getconf CLK_TCK)" '{print ($14+$15)/hz}' "/proc/$1/stat"
}
hwm() { # peak RSS in MiB
	awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$1/status"
}
start_broker() {
	rm -rf "$OUT/js"
	env ${BROKER_ENV:-} ${BROKER_CPUS:+taskset -c "$BROKER_CPUS"} "$BIN/nats-server" -js -sd "$OUT/js" -a 127.0.0.1 -p "$PORT" >"$OUT/broker.log" 2>&1 &
	BROKER=$!
	PIDS+=("$BROKER")
	for _ in $(seq 100); do
		grep -q "Server is ready" "$OUT/broker.log" && return
		sleep 0.1
	done
	echo "broker did not start" >&2
	exit 1
}
# start_consumer INDEX CPU STORAGEFLAG...: a consumer with ops port 2946INDEX,
# in a cgroup limited to CPU cores when CPU is not "-".
start_consumer() {
	local i=$1 cpu=$2
	shift 2
	local cmd=(env ${CONSUMER_ENV:-} ${CONSUMER_CPUS:+taskset -c "$CONSUMER_CPUS"} "$BIN/swiftval" consume --nats "$URL" --ops-addr "127.0.0.1:2946$i" --log-level warn ${CONSUMER_ARGS:-} "$@")
	if [ "$cpu" != "-" ]; then
		local cg=/sys/fs/cgroup/cpu/swiftval-bench-$i
		mkdir -p "$cg"
		CGROUPS+=("$cg")
		echo 100000 >"$cg/cpu.cfs_period_us"
		awk -v c="$cpu" 'BEGIN {printf "%d\n", c*100000}' >"$cg/cpu.cfs_quota_us"
		sh -c 'echo $$ > "$1/cgroup.procs"; shift; exec "$@"' sh "$cg" "${cmd[@]}" 2>>"$OUT/consumer-$i.log" &
	else
		"${cmd[@]}" 2>>"$OUT/consumer-$i.log" &
	fi
	PIDS+=("$!")
	CONSUMERS+=("$!")
	for _ in $(seq 100); do
		curl -sf "127.0.0.1:2946$i/readyz" >/dev/null && return
		sleep 0.05
	done
	echo "consumer $i not ready" >&2
	exit 1
}
results() { # results acknowledged so far, over the consumers 0..$1-1
	local sum=0 i v
	for ((i = 0; i < $1; i++)); do
		v=$(curl -sf "127.0.0.1:2946$i/metrics" | awk '/^swiftval_stream_results_total/ {s+=$2} END {printf "%d", s}')
		sum=$((sum + ${v:-0}))
	done
	echo "$sum"
}
now() { date +%s.%N; }

# drain N CONSUMERS CPU STORAGEFLAG...: preload N MT103, start the consumers,
# time until every result is acknowledged; prints one line of figures.
drain() {
	local n=$1 k=$2 cpu=$3
	shift 3
	start_broker
	"$BIN/swiftval" publish --nats "$URL" "$@" --count "$n" "$SAMPLE" >/dev/null
	local t0 t1 i
	CONSUMERS=()
	t0=$(now)
	for ((i = 0; i < k; i++)); do start_consumer "$i" "$cpu" "$@"; done
	# The rate is taken between 10 % and 90 % of the results, once every
	# consumer runs (start-up and the tail do not count); CPU and RSS over
	# the whole run.
	local m0 m1 r
	local bw0 bw1 cw0=0 cw1=0 p
	while [ "$(results "$k")" -lt $((n / 10)) ]; do sleep 0.02; done
	m0=$(now)
	bw0=$(ticks "$BROKER")
	for p in "${CONSUMERS[@]}"; do cw0=$(awk -v a="$cw0" -v b="$(ticks "$p")" 'BEGIN {print a+b}'); done
	while [ "$(results "$k")" -lt $((n * 9 / 10)) ]; do sleep 0.02; done
	m1=$(now)
	bw1=$(ticks "$BROKER")
	for p in "${CONSUMERS[@]}"; do cw1=$(awk -v a="$cw1" -v b="$(ticks "$p")" 'BEGIN {print a+b}'); done
	while [ "$(results "$k")" -lt "$n" ]; do sleep 0.05; done
	t1=$(now)
	r=$(awk -v n="$n" -v a="$m1" -v b="$m0" 'BEGIN {printf "%.0f", n*0.8/(a-b)}')
	local bcpu ccpu=0 rss=""
	# CPU per message inside the window (consumer start-up excluded); the
	# clock ticks are 10 ms, so the window must hold enough messages.
	bcpu=$(awk -v a="$bw1" -v b="$bw0" -v n="$n" 'BEGIN {print (a-b)/(n*0.8)*n}')
	ccpu=$(awk -v a="$cw1" -v b="$cw0" -v n="$n" 'BEGIN {print (a-b)/(n*0.8)*n}')
	for p in "${CONSUMERS[@]}"; do
		rss="$rss $(hwm "$p")"
	done
	awk -v n="$n" -v k="$k" -v t="$(awk -v a="$t1" -v b="$t0" 'BEGIN {print a-b}')" -v bc="$bcpu" -v cc="$ccpu" -v rss="$rss" -v cpu="$cpu" -v st="$*" -v r="$r" \
		'BEGIN {printf "consumers=%d cpu_cap=%s storage=%s messages=%d seconds=%.2f throughput=%s/s broker_cpu_per_msg=%.1fus consumer_cpu_per_msg=%.1fus peak_rss_mib=%s\n", k, cpu, (st ~ /memory/ ? "memory" : "file"), n, t, r, bc*1e6/n, cc*1e6/n, rss}'
	cleanup
	PIDS=()
	CGROUPS=()
}

echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD) load: $(cut -d' ' -f1-3 /proc/loadavg)"
case "${1:-}" in
throughput)
	n=${2:-200000}
	if [ "${3:-memory}" = memory ]; then drain "$n" 1 - --memory-storage; else drain "$n" 1 -; fi
	;;
latency)
	start_broker
	CONSUMERS=()
	start_consumer 0 - --memory-storage
	rate=${2:-10000} secs=${3:-20}
	b0=$(ticks "$BROKER") c0=$(ticks "${CONSUMERS[0]}")
	env ${PUBLISHER_ENV:-} ${PUBLISHER_CPUS:+taskset -c "$PUBLISHER_CPUS"} "$BIN/swiftval" publish --nats "$URL" --memory-storage --rate "$rate" --duration "${secs}s" --warmup 3s --sample mt103 \
		--html "$OUT/latency.html" --json "$OUT/latency.json"
	# CPU per message over the whole run (warm-up included).
	awk -v b="$(ticks "$BROKER")" -v b0="$b0" -v c="$(ticks "${CONSUMERS[0]}")" -v c0="$c0" -v n="$(awk -v r="$rate" -v s="$secs" 'BEGIN {print r*(s+3)}')" \
		'BEGIN {printf "broker_cpu_per_msg=%.1fus consumer_cpu_per_msg=%.1fus\n", (b-b0)*1e6/n, (c-c0)*1e6/n}'
	# The consumer's own share: its processing histogram (taking an input to
	# acknowledging it), as the fraction of inputs done within each bound.
	curl -sf 127.0.0.1:29460/metrics | awk -F'[{}" ]+' '/^swiftval_stream_processing_seconds_bucket/ {le[++k]=$3; c[k]=$NF} /^swiftval_stream_processing_seconds_count/ {n=$NF}
		END {printf "consumer_processing:"; for (i = 1; i <= k; i++) if (le[i] ~ /^(0.001|0.005|0.025|0.1)$/) printf " <=%ss %.2f%%", le[i], 100*c[i]/n; printf "\n"}'
	;;
scale)
	n=${2:-100000}
	cpu=${3:-0.25}
	for k in 1 2 4; do drain "$n" "$k" "$cpu" --memory-storage; done
	;;
backlog)
	drain "${2:-1000000}" 1 -
	;;
*)
	sed -n '2,12p' "$0"
	exit 2
	;;
esac
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
