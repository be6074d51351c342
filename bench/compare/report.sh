# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Results of bench/compare/run: build/bench/compare.json from the raw samples, the terminal
# table, and one gnuplot bar chart (median, min-max error bars) per figure.

# write_json OUT: meta ($WORK/meta.json) + samples ($WORK/samples.jsonl) -> summary per path.
write_json() {
	jq -s --slurpfile meta "$WORK/meta.json" '
		def stats: map(select(. != null)) | sort |
			if length == 0 then null else {
				samples: .,
				median: (if length % 2 == 1 then .[length / 2 | floor]
					 else (.[length / 2 - 1] + .[length / 2]) / 2 end),
				min: .[0], max: .[-1]
			} end;
		. as $s | $meta[0] + {
			samples: $s,
			paths: [$meta[0].paths[] as $p | ($s | map(select(.path == $p))) as $ps | {
				path: $p,
				skipped: ($meta[0].skipped[$p] // null),
				host: ($meta[0].hosts[$p] // null),
				connps: ($ps | map(select(.metric == "connps") | .value) | stats),
				socket_errors: ($ps | map(select(.metric == "connps") | .socket_errors)),
				non2xx: ($ps | map(select(.metric == "connps") | .non2xx)),
				gbps: ($ps | map(select(.metric == "gbps") | .value) | stats),
				retransmits: ($ps | map(select(.metric == "gbps") | .retransmits)),
				mpps: ($ps | map(select(.metric == "mpps") | .value) | stats),
				pps_delivered: ($ps | map(select(.metric == "mpps") | .pktgen.delivered)),
				pps_generator_cpu_share:
					($ps | map(select(.metric == "mpps") | .pktgen.generator_cpu_share)),
				failed: ($ps | map(select(.failed)) | length),
				offloads: ($meta[0].offloads[$p] // null)
			}]
		}' "$WORK/samples.jsonl" >"$1"
}

# One row per path: name, then median/min/max of conn/s, Gbit/s, Mpps ("-" when absent),
# then the three ratios.
table_rows() {
	jq -r '
		def m(k): if .[k] then [.[k].median, .[k].min, .[k].max] else ["-", "-", "-"] end;
		def ratio(a; b): if a and b and b.median > 0 then a.median / b.median else "-" end;
		(.paths | map({(.path): .}) | add) as $by |
		.paths[] | [.path] + m("connps") + m("gbps") + m("mpps") + [
			ratio(.connps; $by.direct.connps),
			ratio(.gbps; $by["xdp-bare"].gbps),
			ratio(.mpps; $by["xdp-bare"].mpps),
			(.skipped // "")
		] | @tsv' "$1"
}

fmt_range() {
	local fmt=$1 med=$2 lo=$3 hi=$4
	if [[ $med == - ]]; then
		printf -- '-'
	else
		# shellcheck disable=SC2059 # the format is the caller's
		printf "$fmt [$fmt-$fmt]" "$med" "$lo" "$hi"
	fi
}

fmt_ratio() {
	if [[ $1 == - ]]; then printf -- '-'; else printf '%.2fx' "$1"; fi
}

print_table() {
	local json=$1 path cm cl ch gm gl gh pm pl ph rc rg rp skip
	printf '\n%-14s %-24s %-20s %-18s %-9s %-10s %s\n' path "conn/s" "Gbit/s" "Mpps" \
		"conn/s" "Gbit/s" "Mpps"
	printf '%-14s %-24s %-20s %-18s %-9s %-10s %s\n' "" "median [min-max]" "median [min-max]" \
		"median [min-max]" "/direct" "/xdp-bare" "/xdp-bare"
	while IFS=$'\t' read -r path cm cl ch gm gl gh pm pl ph rc rg rp skip; do
		if [[ -n $skip ]]; then
			printf '%-14s skipped: %s\n' "$path" "$skip"
			continue
		fi
		printf '%-14s %-24s %-20s %-18s %-9s %-10s %s\n' "$path" \
			"$(fmt_range %.0f "$cm" "$cl" "$ch")" "$(fmt_range %.1f "$gm" "$gl" "$gh")" \
			"$(fmt_range %.2f "$pm" "$pl" "$ph")" \
			"$(fmt_ratio "$rc")" "$(fmt_ratio "$rg")" "$(fmt_ratio "$rp")"
	done < <(table_rows "$json")
	printf '\n'
	jq -r '.notes[] | "note: " + .' "$json"
	jq -r '.paths[] | select((.socket_errors | add // 0) > 0 or (.non2xx | add // 0) > 0 or
		.failed > 0) | "WARNING: \(.path): socket errors \(.socket_errors), non-2xx answers" +
		" \(.non2xx), failed measurements \(.failed)"' \
		"$json"
	jq -r '.paths[] | select(any(.pps_delivered[]; . != null and . < 0.99)) |
		"WARNING: \(.path): not every generated frame arrived as intended: \(.pps_delivered)"' \
		"$json"
	jq -r '.paths[] | select(any(.pps_generator_cpu_share[]; . != null and . < 0.75)) |
		"WARNING: \(.path): the generator was preempted (CPU share \(.pps_generator_cpu_share)):" +
		" Mpps is low because of other load"' "$json"
}

# plot JSON METRIC YLABEL LABEL_FORMAT PNG
plot() {
	local json=$1 metric=$2 ylabel=$3 fmt=$4 png=$5 dat n
	dat=$WORK/plot-$metric.dat
	jq -r --arg m "$metric" '.paths[] | select(.[$m]) |
		[.path, .[$m].median, .[$m].min, .[$m].max] | @tsv' "$json" >"$dat"
	n=$(wc -l <"$dat")
	((n > 0)) || return 0
	gnuplot <<-EOF
		set terminal pngcairo size 800,480 font "sans,10"
		set output "$png"
		set title "$ylabel, median of $(jq -r .rounds "$json") rounds (bars: min-max), MTU $(jq -r .mtu "$json")"
		set ylabel "$ylabel"
		set style fill solid 0.6 border -1
		set boxwidth 0.6
		set yrange [0:*]
		set offsets 0, 0, graph 0.12, 0
		set xrange [-0.6:$n - 0.4]
		set grid ytics
		unset key
		plot "$dat" using 0:2:xtic(1) with boxes lc rgb "#4472c4", \
		     "" using 0:2:3:4 with yerrorbars lc rgb "black" pt 7 ps 0, \
		     "" using 0:4:(sprintf("$fmt", \$2)) with labels offset 0,1
	EOF
}

report() {
	local json=$ROOT/build/bench/compare.json out=$ROOT/build/bench
	write_json "$json"
	print_table "$json"
	plot "$json" connps "connections/s" %.0f "$out/compare-connps.png"
	plot "$json" gbps "Gbit/s (one iperf3 stream)" %.1f "$out/compare-gbps.png"
	plot "$json" mpps "Mpps (64-byte TCP ACKs)" %.2f "$out/compare-mpps.png"
	log "wrote $json and $out/compare-{connps,gbps,mpps}.png"
}
