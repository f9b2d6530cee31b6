package frontdoor_test

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/frontdoor"
)

// BenchmarkAddedLatency measures one call to a function straight and one
// through the front door (token verified with cached keys, signature
// replaced, proxied), alternately, and reports the added time per call at
// the median and the 99th percentile.
//
//	go test -run '^$' -bench AddedLatency -benchtime 5000x ./emulators/frontdoor/
func BenchmarkAddedLatency(b *testing.B) {
	iss := issuer(b)
	_, backendURL := backend(b)
	d, err := frontdoor.Start(frontdoor.Service{Name: "fn", Backend: backendURL, Invokers: []string{"serviceAccount:" + invoker}},
		frontdoor.Options{Issuers: []string{iss.URL()}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	tok := mint(b, iss, invoker, d.URL(), time.Hour)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	once := func(url string) time.Duration {
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"customer_id":"C1","export_id":"E1"}`))
		req.Header.Set("Authorization", "Bearer "+tok)
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("%s: %s", url, resp.Status)
		}
		return time.Since(t0)
	}
	once(d.URL()) // discovery and keys
	var direct, door []time.Duration
	b.ResetTimer()
	for b.Loop() {
		direct = append(direct, once(backendURL))
		door = append(door, once(d.URL()))
	}
	b.StopTimer()
	q := func(s []time.Duration, p float64) float64 {
		slices.Sort(s)
		return float64(s[int(p*float64(len(s)-1))].Microseconds())
	}
	b.ReportMetric(q(direct, 0.5), "direct-p50-µs")
	b.ReportMetric(q(door, 0.5), "door-p50-µs")
	b.ReportMetric(q(door, 0.5)-q(direct, 0.5), "added-p50-µs")
	b.ReportMetric(q(direct, 0.99), "direct-p99-µs")
	b.ReportMetric(q(door, 0.99), "door-p99-µs")
	b.ReportMetric(q(door, 0.99)-q(direct, 0.99), "added-p99-µs")
}
