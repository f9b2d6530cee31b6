package main

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// percentile returns the p-th percentile (0 < p ≤ 100) of sorted
// latencies by the nearest-rank method.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(float64(len(sorted))*p/100+0.999999) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

func latencies(ss []sample, keep func(sample) bool) []time.Duration {
	var out []time.Duration
	for _, s := range ss {
		if keep(s) {
			out = append(out, s.latency)
		}
	}
	slices.Sort(out)
	return out
}

func line(ls []time.Duration) string {
	r := func(d time.Duration) time.Duration { return d.Round(100 * time.Microsecond) }
	return fmt.Sprintf("n=%d p50=%v p90=%v p99=%v max=%v", len(ls),
		r(percentile(ls, 50)), r(percentile(ls, 90)), r(percentile(ls, 99)), r(percentile(ls, 100)))
}

func summarise(ss []sample) string {
	return line(latencies(ss, func(sample) bool { return true }))
}

// report prints the latencies of every start, overall and by answer.
func report(w io.Writer, admins, rounds int, all []sample) {
	fmt.Fprintf(w, "\nStartExport latency, %d concurrent admins × %d rounds (client-side, through HTTP):\n", admins, rounds)
	fmt.Fprintf(w, "  all       %s\n", summarise(all))
	if rounds > 1 { // the first round also pays for first use: connections, tokens
		fmt.Fprintf(w, "  warm      %s (rounds 2–%d)\n", summarise(all[admins:]), rounds)
	}
	for _, c := range []struct {
		name string
		code int
	}{{"202", 202}, {"409", 409}} {
		fmt.Fprintf(w, "  %s       %s\n", c.name, line(latencies(all, func(s sample) bool { return s.code == c.code })))
	}
}
