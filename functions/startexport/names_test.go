package startexport_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/export"
)

// What could not be exported of one customer-owned account names it in the
// status API by its display name beside its stable id.
func TestUnsupportedNamesTheAccountByIDAndName(t *testing.T) {
	s := newStack(t, synth.Tiny(24))
	v := s.start(s.user(0))
	s.complete(v.ID, s.clock.Now().Add(72*time.Hour))
	want := export.Unsupported{Product: export.Chat, Scope: "Chat (Old project)", Reason: "the space has no member in the organisation",
		Account: "AAAAorph4n", AccountName: "Old project"}
	_, err := s.store.Update(context.Background(), s.org.Customer().ID, v.ID, func(e *export.Export) ([]export.AuditEntry, error) {
		e.Unsupported = append(e.Unsupported, want)
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got := s.get(s.user(0), v.ID)
	if n := len(got.Unsupported); n == 0 || got.Unsupported[n-1] != want {
		t.Fatalf("unsupported %+v, want %+v last", got.Unsupported, want)
	}
	raw := string(s.as(s.user(0), "GET", "/exports/"+v.ID, "").Body)
	if !strings.Contains(raw, `"account": "AAAAorph4n"`) || !strings.Contains(raw, `"account_name": "Old project"`) {
		t.Errorf("status API answer lacks the account's id and name: %s", raw)
	}
}
