package connectortest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/orgexport/orgexport/shared/connector"
)

// Bench exports the accounts b.N times against the emulator, keeping only
// byte counts, and reports MB/s (of entry bytes) and items/s.
func Bench(b *testing.B, c connector.Connector, accounts []connector.Account) {
	b.Helper()
	ctx := context.Background()
	var bytes, items int64
	start := time.Now()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, a := range accounts {
			n, k, err := exportCounting(ctx, c, a)
			if err != nil {
				b.Fatal(err)
			}
			bytes, items = bytes+n, items+k
		}
	}
	b.StopTimer()
	secs := time.Since(start).Seconds()
	b.ReportMetric(float64(bytes)/1e6/secs, "MB/s")
	b.ReportMetric(float64(items)/secs, "items/s")
}

func exportCounting(ctx context.Context, c connector.Connector, a connector.Account) (int64, int64, error) {
	var bytes, items int64
	cursor := ""
	for {
		e := &Emitter{Discard: true}
		err := c.Export(ctx, a, cursor, e)
		bytes += e.Bytes
		for _, en := range e.Entries {
			items += int64(len(en.Items))
			if en.ItemID != "" {
				items++
			}
		}
		if err == nil {
			return bytes, items, nil
		}
		if !errors.Is(err, connector.ErrCut) {
			return bytes, items, err
		}
		cursor = e.Checkpoints[len(e.Checkpoints)-1]
	}
}
