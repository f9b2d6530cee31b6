package gcloud_test

import (
	"context"
	"testing"

	"github.com/orgexport/orgexport/emulators/gcloud"
)

// Start-to-answer time of each emulator, stop included:
//
//	go test -run '^$' -bench Start -benchtime 3x ./emulators/gcloud
func BenchmarkStartFirestore(b *testing.B) { benchStart(b, gcloud.StartFirestore) }
func BenchmarkStartPubSub(b *testing.B)    { benchStart(b, gcloud.StartPubSub) }

func benchStart(b *testing.B, start func(context.Context, gcloud.Options) (*gcloud.Emulator, error)) {
	var total float64
	for b.Loop() {
		e, err := start(context.Background(), gcloud.Options{})
		if err != nil {
			b.Fatal(err)
		}
		total += e.StartupTime().Seconds()
		e.Stop()
	}
	b.ReportMetric(total/float64(b.N), "s-to-ready/op")
}
