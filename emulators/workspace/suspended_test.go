package workspace_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	calendar "google.golang.org/api/calendar/v3"
	"google.golang.org/api/chat/v1"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/gmail/v1"
	"google.golang.org/api/people/v1"
	"google.golang.org/api/tasks/v1"
	"google.golang.org/api/vault/v1"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/export"
)

// A suspended account is refused as Google refuses it: the token is
// granted, Gmail lists the messages and refuses each one, Drive lists the
// user's files but not their content nor any shared drive, the other APIs
// refuse every call; an active user is served as before; the truth has
// nothing of the suspended user's own.
func TestSuspendedUserIsRefusedAsGoogleDoes(t *testing.T) {
	t.Parallel()
	org, _ := synth.New(synth.Tiny(3))
	susp, active := org.Users()[3], org.Users()[2]
	if !susp.Suspended || active.Suspended {
		t.Fatalf("user 3 should be suspended and user 2 not: %+v %+v", susp, active)
	}
	s := start(t, synth.Tiny(3), workspace.Faults{})
	ctx := context.Background()

	g, _ := gmail.NewService(ctx, clientOpts(t, s, "gmail", susp.Email)...)
	list, err := g.Users.Messages.List("me").Do()
	if err != nil || len(list.Messages) == 0 {
		t.Fatalf("messages.list of a suspended user: %v (%v); got-your-back sees it succeed", err, list)
	}
	_, err = g.Users.Messages.Get("me", list.Messages[0].Id).Format("raw").Do()
	wantAPIError(t, err, 403, "forbidden")

	d, _ := drive.NewService(ctx, clientOpts(t, s, "drive", susp.Email)...)
	files, err := d.Files.List().Fields("files(id,mimeType,exportLinks)").Do()
	if err != nil || len(files.Files) == 0 {
		t.Fatalf("files.list of a suspended user: %v", err)
	}
	for _, f := range files.Files {
		if len(f.ExportLinks) > 0 {
			t.Errorf("file %s of a suspended user has export links", f.Id)
		}
		if f.MimeType == synth.MimeFolder || f.MimeType == synth.MimeShortcut {
			continue
		}
		_, err := d.Files.Get(f.Id).Download()
		wantAPIError(t, err, 403, "forbidden")
		break
	}
	drives, err := d.Drives.List().Do()
	if err != nil || len(drives.Drives) != 0 {
		t.Errorf("drives.list of a suspended user: %v, %d drives; GAM sees none", err, len(drives.Drives))
	}

	c, _ := calendar.NewService(ctx, clientOpts(t, s, "calendar", susp.Email)...)
	_, err = c.CalendarList.List().Do()
	wantAPIError(t, err, 403, "forbidden")
	tk, _ := tasks.NewService(ctx, clientOpts(t, s, "tasks", susp.Email)...)
	_, err = tk.Tasklists.List().Do()
	wantAPIError(t, err, 403, "forbidden")
	p, _ := people.NewService(ctx, clientOpts(t, s, "people", susp.Email)...)
	_, err = p.People.Connections.List("people/me").PersonFields("names").Do()
	wantStatus(t, err, 403, "PERMISSION_DENIED", "The caller does not have permission")
	ch, _ := chat.NewService(ctx, clientOpts(t, s, "chat", susp.Email)...)
	_, err = ch.Spaces.List().Do()
	wantStatus(t, err, 403, "PERMISSION_DENIED", "The caller does not have permission")

	g2, _ := gmail.NewService(ctx, clientOpts(t, s, "gmail", active.Email)...)
	l2, err := g2.Users.Messages.List("me").Do()
	if err != nil || len(l2.Messages) == 0 {
		t.Fatalf("Gmail of an active user: %v", err)
	}
	if _, err := g2.Users.Messages.Get("me", l2.Messages[0].Id).Format("raw").Do(); err != nil {
		t.Errorf("messages.get of an active user: %v", err)
	}
	for it := range s.Truth(susp.Email) {
		t.Errorf("truth of suspended %s has %s item %s", susp.Email, it.Product, it.ItemID)
	}
}

// Vault reads a suspended account's live mail (-label:^deleted: the live
// mailbox only), and the Vault account's truth holds it, byte for byte,
// with Vault; without Vault it is nowhere in the truth.
func TestVaultExportsASuspendedAccountsMail(t *testing.T) {
	t.Parallel()
	s, _ := startVault(t, synth.Tiny(1), workspace.Faults{})
	org := s.Org()
	susp := org.Users()[3]
	v, st := vaultClients(t, s, "admin@example.com")
	m := newMatter(t, v, "Suspended")
	q := &vault.Query{Corpus: "MAIL", DataScope: "ALL_DATA", Method: "ACCOUNT", Terms: "-label:^deleted",
		AccountInfo: &vault.AccountInfo{Emails: []string{susp.Email}}}
	e := runExport(t, v, m.MatterId, "suspended mail", q)
	if e.Status != "COMPLETED" {
		t.Fatalf("export %+v", e)
	}
	truth := map[string]bool{}
	for it := range s.Truth("vault") {
		if it.Product != export.Vault {
			t.Errorf("vault truth item %+v", it)
		}
		truth[it.SHA256] = true
	}
	n := 0
	for _, f := range e.CloudStorageSink.Files {
		if !hasSuffix(f.ObjectName, "-MAIL-1.zip") {
			continue
		}
		msgs := zipMboxes(t, download(t, st, f))[susp.Email+".mbox"]
		for _, raw := range msgs {
			n++
			sum := sha256.Sum256(raw)
			if !truth[hex.EncodeToString(sum[:])] {
				t.Errorf("a message of %s is not in the Vault account's truth", susp.Email)
			}
		}
	}
	if n != org.MessageCount(susp.Index) {
		t.Errorf("Vault exported %d messages of %s, the mailbox has %d (and no retained one with -label:^deleted)", n, susp.Email, org.MessageCount(susp.Index))
	}

	o := synth.Tiny(1)
	o.Vault = false
	noVault, _ := synth.New(o)
	for it := range noVault.Truth("vault") {
		t.Errorf("without Vault the vault truth has %+v", it)
	}
}

func hasSuffix(s, suffix string) bool {
	return len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix
}
