package console_test

import (
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/shared/export"
)

// Customer-owned accounts are shown by their display name beside their id:
// in the accounts with errors (the page's poll) and in what was not
// exported.
func TestCustomerOwnedAccountsShowTheirNames(t *testing.T) {
	s := newSite(t)
	now := s.clock.now()
	s.ctl.exports["20261201-names"] = &export.Export{ID: "20261201-names", State: export.Running, RequestedBy: s.admin(),
		RequestedAt: now.Add(-time.Hour), HoldEnd: now.Add(-time.Minute), StartedAt: now.Add(-time.Minute),
		Unsupported: []export.Unsupported{{Product: export.Chat, Scope: "Chat (Old <project>)", Reason: "the space has no member in the organisation",
			Account: "AAAAorph4n", AccountName: "Old <project>"}}}
	s.ctl.accounts = []*export.Account{
		{Type: export.Customer, ID: "0AHk2drive", Name: "Finance & Legal", Kind: "shared-drive", State: export.AccountDone, FailedItems: 2},
		{Type: export.Customer, ID: "room-1@resource.example.com", Name: "room-1@resource.example.com", State: export.AccountFailed},
	}
	s.signIn("/console/", s.admin())
	page := s.get("/console/exports/20261201-names")
	if want := `Chat (Old &lt;project&gt;) <code>AAAAorph4n</code>: the space has no member in the organisation`; !strings.Contains(page.body, want) {
		t.Errorf("export page lacks %s:\n%s", want, page.body)
	}
	live := s.get("/console/exports/20261201-names/live")
	if !strings.Contains(live.body, `"account":"0AHk2drive","name":"Finance \u0026 Legal"`) {
		t.Errorf("live errors lack the drive's name: %s", live.body)
	}
	if strings.Contains(live.body, `"name":"room-1@`) {
		t.Errorf("a name that is the id is repeated: %s", live.body)
	}
}
