package pipeline_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/testenv"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/pipeline"
	"github.com/orgexport/orgexport/shared/store"
)

// oneUser is a Directory of one user and nothing else.
type oneUser struct{}

func (oneUser) Accounts(_ context.Context, kind pipeline.Kind, _, _, _ string) ([]pipeline.Listed, string, error) {
	if kind != pipeline.Users {
		return nil, "", nil
	}
	return []pipeline.Listed{{Created: time.Unix(0, 0), Account: connector.Account{Type: export.User, ID: "u@example.com", Subject: "u@example.com"}}}, "", nil
}

type stillAdmin struct{}

func (stillAdmin) CancelIfRequesterLost(context.Context, *export.Export) (bool, error) {
	return false, nil
}

// counting counts the "look at this export" events.
type counting struct {
	recorder
	checks int
}

func (c *counting) AccountsFinished(ctx context.Context, cid, eid string) error {
	c.checks++
	return nil
}

// The accounts of a small export can all finish before BeginExport saves
// its last page; their events then find the enumeration unfinished. The end
// of the enumeration must therefore ask AssembleReport to look again, or
// the export would wait for the 14-day deadline.
func TestBeginAnnouncesTheEndOfEnumeration(t *testing.T) {
	env := testenv.Get(t)
	ctx := context.Background()
	st, err := store.New(ctx, env.Project)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now().UTC()
	e := &export.Export{ID: "e2", CustomerID: "c2", Domain: "example.com", State: export.OnHold,
		RequestedBy: "admin@example.com", RequestedAt: now, HoldEnd: now, Prefix: "c2/e2/"}
	if err := st.Start(ctx, e, export.AuditEntry{At: now}, now); err != nil {
		t.Fatal(err)
	}
	ev := &counting{}
	p := &pipeline.Pipeline{Store: st, Directory: oneUser{}, Tasks: ev, Events: ev, Requesters: stillAdmin{},
		Log: slog.New(slog.DiscardHandler), Budget: time.Hour}
	if err := p.Begin(ctx, export.BeginTask{CustomerID: "c2", ExportID: "e2"}); err != nil {
		t.Fatal(err)
	}
	if ev.checks != 1 || len(ev.tasks) != 1 {
		t.Errorf("%d checks asked and %d account tasks, want 1 and 1", ev.checks, len(ev.tasks))
	}
}
