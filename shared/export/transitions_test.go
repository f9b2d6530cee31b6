package export

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestStatesOnlyMoveForward(t *testing.T) {
	all := []State{OnHold, Running, Assembling, Completed, CompletedWithErrors, Cancelled, Expired}
	allowed := map[[2]State]bool{
		{OnHold, Running}: true, {OnHold, Cancelled}: true, {Running, Assembling}: true, {Running, Cancelled}: true,
		{Assembling, Completed}: true, {Assembling, CompletedWithErrors}: true,
		{Completed, Expired}: true, {CompletedWithErrors, Expired}: true,
	}
	for _, from := range all {
		for _, to := range all {
			want := from == to || allowed[[2]State{from, to}]
			if got := from.CanMove(to); got != want {
				t.Errorf("%s → %s: CanMove %v, want %v", from, to, got, want)
			}
			if err := from.CheckMove(to); (err == nil) != want || (err != nil && !errors.Is(err, ErrTransition)) {
				t.Errorf("%s → %s: CheckMove %v", from, to, err)
			}
		}
	}
}

func TestReleaseFreesTheLockAndStartsTheCooldown(t *testing.T) {
	done := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		from, to     State
		released     bool
		cooldownFrom bool
	}{
		{OnHold, Running, false, false},
		{OnHold, Cancelled, true, false},
		{Running, Cancelled, true, false},
		{Assembling, CompletedWithErrors, true, true},
		{Assembling, Completed, true, true},
		{Completed, Expired, false, false},
	} {
		o := Organisation{ID: "C1", ActiveExport: "e1"}
		e := &Export{ID: "e1", State: c.to, CompletedAt: done}
		if got := o.Release(e, c.from); got != c.released {
			t.Errorf("%s → %s: released %v, want %v", c.from, c.to, got, c.released)
		}
		if (o.ActiveExport == "") != c.released {
			t.Errorf("%s → %s: active export %q", c.from, c.to, o.ActiveExport)
		}
		if want := CooldownEnd(done); c.cooldownFrom != o.CooldownEnd.Equal(want) {
			t.Errorf("%s → %s: cool-down ends %s", c.from, c.to, o.CooldownEnd)
		}
	}
	// Another export's release leaves the organisation's lock alone.
	o := Organisation{ActiveExport: "e2"}
	o.Release(&Export{ID: "e1", State: Cancelled}, Running)
	if o.ActiveExport != "e2" {
		t.Errorf("releasing e1 cleared the lock of e2")
	}
}

func TestAdmitNamesWhatStopsAStart(t *testing.T) {
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var ae *ActiveError
	if err := (Organisation{ActiveExport: "e9"}).Admit(now); !errors.As(err, &ae) || ae.ExportID != "e9" {
		t.Errorf("active export: %v", err)
	}
	var ce *CooldownError
	if err := (Organisation{CooldownEnd: now.Add(time.Second)}).Admit(now); !errors.As(err, &ce) {
		t.Errorf("cool-down: %v", err)
	}
	if err := (Organisation{CooldownEnd: now}).Admit(now); err != nil {
		t.Errorf("cool-down ending now: %v", err)
	}
}

func TestValidID(t *testing.T) {
	for id, want := range map[string]bool{
		"20261201-abcdefghijklmnop": true, "C01ab2cd": true, "user-3f00aa": true, "a": true,
		"": false, "__name__": false, "_x": false, ".": false, "..": false, "a/b": false, "a.b": false,
		"é": false, "\xff": false, "a b": false, strings.Repeat("a", MaxIDLength): true, strings.Repeat("a", MaxIDLength+1): false,
	} {
		if got := ValidID(id); got != want {
			t.Errorf("ValidID(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestTasksAreNamedOnce(t *testing.T) {
	e := &Export{ID: "20261201-x", CustomerID: "C1", HoldEnd: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)}
	if b := BeginAt(e); b.Name != "begin_20261201-x" || !b.At.Equal(e.HoldEnd) || b.Queue != ControlQueue {
		t.Errorf("begin task %+v", b)
	}
	first, again := AccountPart(e, "user-1", 2, 0), AccountPart(e, "user-1", 2, 0)
	if first.Name != again.Name || first.Name != "20261201-x_user-1_p002" || first.Queue != AccountsQueue {
		t.Errorf("account part tasks %q, %q", first.Name, again.Name)
	}
	if retry := AccountPart(e, "user-1", 2, 1); retry.Name == first.Name || retry.Body.(AccountTask).Attempt != 1 {
		t.Errorf("a re-enqueue of stuck work has the first try's name: %+v", retry)
	}
	if long := TaskName(strings.Repeat("x", 500)); !strings.HasPrefix(long, "h_") || len(long) > 100 {
		t.Errorf("long name %q not hashed", long)
	}
}

// A checkpoint names its product, so a deploy that adds or removes
// connectors resumes each account in the right place.
func TestResumeSurvivesADeploy(t *testing.T) {
	before := []Product{Gmail, Drive, Calendar}
	r := At(3, before, 1, "page-7")
	after := []Product{Gmail, Chat, Drive, Calendar} // a connector was added before Drive
	if i, cursor, gone := r.Position(after); i != 2 || cursor != "page-7" || gone != "" {
		t.Errorf("resumed at %d with %q (gone %q), want Drive (2) at page-7", i, cursor, gone)
	}
	// A checkpoint of an earlier version has only the index: read once.
	legacy := Resume{NextPart: 3, Product: 1, Cursor: "page-7"}
	if i, cursor, gone := legacy.Position(before); i != 1 || cursor != "page-7" || gone != "" {
		t.Errorf("an index checkpoint resumed at %d with %q", i, cursor)
	}
	// A product this version no longer has is named, not skipped silently.
	removed := []Product{Gmail, Calendar}
	if i, cursor, gone := r.Position(removed); gone != Drive || cursor != "" || i != 1 {
		t.Errorf("with Drive gone: at %d with %q, gone %q; want Calendar (1), no cursor, Drive named", i, cursor, gone)
	}
}
