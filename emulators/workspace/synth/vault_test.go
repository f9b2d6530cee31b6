package synth_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/export"
)

func TestVaultPresets(t *testing.T) {
	for name, want := range map[string][2]int{"tiny": {2, 3}, "demo": {2, 3}, "large": {1, 1}} {
		opt, err := synth.Preset(name, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !opt.Vault || opt.RetainedPerUser != want[0] || opt.PostsPerGroup != want[1] {
			t.Errorf("%s: Vault %v, RetainedPerUser %d, PostsPerGroup %d", name, opt.Vault, opt.RetainedPerUser, opt.PostsPerGroup)
		}
	}
	opt := synth.Tiny(1)
	opt.RetainedPerUser = 256
	if _, err := synth.New(opt); err == nil {
		t.Error("RetainedPerUser 256 accepted")
	}
}

func TestRetainedMailIsDistinctDatedAndDeterministic(t *testing.T) {
	g, same := newOrg(t, synth.Tiny(1)), newOrg(t, synth.Tiny(1))
	now := g.Options().Now
	seen := map[string]bool{}
	for _, u := range g.Users() {
		for j := range g.MessageCount(u.Index) {
			seen[g.MessageID(u.Index, j)] = true
		}
	}
	for _, u := range g.Users() {
		if g.RetainedCount(u.Index) != 2 {
			t.Fatalf("%s: %d retained", u.Email, g.RetainedCount(u.Index))
		}
		for j := range g.RetainedCount(u.Index) {
			id, m, raw := g.RetainedID(u.Index, j), g.Retained(u.Index, j), g.RetainedRaw(u.Index, j)
			if seen[id] || len(id) != 16 {
				t.Errorf("retained id %q repeats another id", id)
			}
			seen[id] = true
			if !m.Date.Before(now) || now.Sub(m.Date) > 60*24*time.Hour || m.Subject != "Deleted draft "+string(rune('0'+j)) {
				t.Errorf("retained %+v", m)
			}
			msg, err := mail.ReadMessage(bytes.NewReader(raw))
			if err != nil || msg.Header.Get("Subject") != m.Subject || !strings.Contains(msg.Header.Get("From"), u.Email) || !bytes.HasSuffix(raw, []byte("\r\n")) {
				t.Errorf("retained raw %q: %v", raw, err)
			}
			if !bytes.Equal(raw, same.RetainedRaw(u.Index, j)) {
				t.Error("retained bytes do not follow the seed")
			}
		}
	}
}

func TestGroupPostsGoToTheGroupFromAMember(t *testing.T) {
	g := newOrg(t, synth.Tiny(1))
	for _, gr := range g.Groups() {
		if g.GroupPostCount(gr.Index) != 3 {
			t.Fatalf("%s: %d posts", gr.Email, g.GroupPostCount(gr.Index))
		}
		for j := range g.GroupPostCount(gr.Index) {
			msg, err := mail.ReadMessage(bytes.NewReader(g.GroupPostRaw(gr.Index, j)))
			if err != nil || msg.Header.Get("To") != gr.Email || msg.Header.Get("Subject") != g.GroupPost(gr.Index, j).Subject {
				t.Fatalf("post %d of %s: %v %v", j, gr.Email, msg, err)
			}
			sender := g.Users()[g.GroupPost(gr.Index, j).Sender]
			if !strings.Contains(msg.Header.Get("From"), sender.Email) {
				t.Errorf("post from %s", msg.Header.Get("From"))
			}
		}
	}
}

func TestVaultAccountAndTruth(t *testing.T) {
	g := newOrg(t, synth.Tiny(1))
	as := g.Accounts()
	last := as[len(as)-1]
	if last.ID != synth.VaultAccountID || last.Type != export.Customer || last.Kind != "vault" || last.Name != "Google Vault" || !last.Created.Equal(g.Customer().Created) {
		t.Fatalf("last account %+v", last)
	}
	retained, posts, suspended, files := 0, 0, 0, map[string]synth.TruthItem{}
	for it := range g.Truth("vault") {
		drive := strings.HasPrefix(it.Note, "Drive file of suspended account ")
		if it.Product != export.Vault || it.SHA256 == "" || (it.Size == 0 && !drive) {
			t.Errorf("item %+v", it)
		}
		switch {
		case drive:
			files[it.ItemID] = it
		case strings.HasPrefix(it.Note, "retained mail of "):
			retained++
		case strings.HasPrefix(it.Note, "conversation of group "):
			posts++
		case strings.HasPrefix(it.Note, "mail of suspended account "):
			suspended++
		default:
			t.Errorf("note %q", it.Note)
		}
	}
	want, wantFiles := 0, 0
	for _, u := range g.Users() {
		if g.SuspendedMail(u.Index) {
			want += g.MessageCount(u.Index)
		}
		if !g.SuspendedDrive(u.Index) {
			continue
		}
		// Vault delivers what Drive would not: the Doc whose export is
		// over Drive's 10 MB, the file flagged as abusive; Google files
		// converted.
		for _, f := range g.VaultDriveFiles(u.Index) {
			wantFiles++
			it, ok := files[f.ID]
			sha := sha256.New()
			n, err := g.WriteVaultDrive(sha, f)
			if !ok || err != nil || it.SHA256 != hex.EncodeToString(sha.Sum(nil)) || it.Size != n {
				t.Errorf("file %s (%s): truth %+v, Vault delivers %d bytes (%v)", f.ID, f.Name, it, n, err)
			}
			if f.Name == "Handbook" && n <= 10<<20 {
				t.Errorf("the Handbook's Vault export is %d bytes, want over Drive's 10 MB", n)
			}
		}
	}
	if len(files) != wantFiles || wantFiles == 0 {
		t.Errorf("%d Drive files of suspended accounts in the truth, want %d", len(files), wantFiles)
	}
	if retained != 2*len(g.Users()) || posts != 3*len(g.Groups()) || suspended != want || want == 0 {
		t.Errorf("%d retained, %d posts, %d messages of suspended accounts (want %d)", retained, posts, suspended, want)
	}
	raw := g.RetainedRaw(1, 0)
	sum := sha256.Sum256(raw)
	found := false
	for it := range g.Truth("vault") {
		found = found || (it.ItemID == g.RetainedID(1, 0) && it.SHA256 == hex.EncodeToString(sum[:]) && it.Size == int64(len(raw)))
	}
	if !found {
		t.Error("no truth item matches retained message 0 of user 1")
	}

	for _, opt := range []synth.Options{withoutVault(), metadataOnly()} {
		h := newOrg(t, opt)
		n := 0
		for range h.Truth("vault") {
			n++
		}
		if n != 0 || h.RetainedCount(1) != 0 || h.GroupPostCount(0) != 0 || h.Accounts()[len(h.Accounts())-1].ID != "vault" {
			t.Errorf("Vault %v MetadataOnly %v: %d items", opt.Vault, opt.MetadataOnly, n)
		}
	}
	if len(newOrg(t, withoutVault()).VaultMatters()) != 0 {
		t.Error("matters without Vault")
	}
}

func withoutVault() synth.Options {
	o := synth.Tiny(1)
	o.Vault = false
	return o
}

func metadataOnly() synth.Options {
	o := synth.Tiny(1)
	o.MetadataOnly = true
	return o
}

func TestVaultMattersAndHolds(t *testing.T) {
	g := newOrg(t, synth.Tiny(1))
	ms := g.VaultMatters()
	if len(ms) != 2 || ms[0].Name != "Litigation hold 2025" || ms[0].State != "OPEN" || ms[1].State != "CLOSED" || ms[0].ID == ms[1].ID {
		t.Fatalf("matters %+v", ms)
	}
	hs := ms[0].Holds
	if len(hs) != 2 || hs[0].Corpus != "MAIL" || len(hs[0].Accounts) != 1 || hs[0].Accounts[0] != 1 || hs[1].Corpus != "DRIVE" || hs[1].OrgUnit != "/Staff" {
		t.Errorf("holds %+v", hs)
	}
	if ou, ok := g.OrgUnitByID(g.OrgUnitID("/Staff")); !ok || ou.Path != "/Staff" {
		t.Errorf("org unit %+v %v", ou, ok)
	}
	other := synth.Tiny(1)
	other.Domain = "other.example"
	if newOrg(t, other).VaultMatters()[0].ID == ms[0].ID {
		t.Error("two domains share a matter id")
	}
}
