package connectortest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/orgexport/orgexport/shared/connector"
)

func TestEmitterEnforcesTheContract(t *testing.T) {
	e := &Emitter{Cut: func(n int, _ string) bool { return n == 2 }}
	if _, err := e.Create(connector.Entry{Path: "Drive/../../etc/passwd"}); err == nil {
		t.Error("an escaping path was accepted")
	}
	w, err := e.Create(connector.Entry{Path: "Mail/a.mbox"})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("x"))
	e.Item("m1")
	if err := e.Checkpoint(context.Background(), "c1"); err != nil {
		t.Fatalf("first checkpoint: %v", err)
	}
	if _, err := w.Write([]byte("y")); err != nil {
		t.Errorf("a checkpoint that does not cut closed the file: %v", err)
	}
	if err := e.Checkpoint(context.Background(), "c2"); !errors.Is(err, connector.ErrCut) {
		t.Errorf("second checkpoint: %v, want ErrCut", err)
	}
	if _, err := w.Write([]byte("z")); err == nil {
		t.Error("a write after the cut was accepted")
	}
	if err := e.Checkpoint(context.Background(), strings.Repeat("x", 1025)); err == nil {
		t.Error("a cursor over 1 KiB was accepted")
	}
	r := &Result{Parts: []*Emitter{e}}
	if got := r.Items(); got["m1"] != 1 || string(e.Entries[0].Data) != "xy" {
		t.Errorf("recorded items %v, data %q", got, e.Entries[0].Data)
	}
}
