package startexport_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/functions/startexport"
	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/signedurl"
)

// signer is a DownloadSigner that records the folders it was asked for.
type signer struct {
	mu       sync.Mutex
	prefixes []string
}

func (f *signer) Downloads(_ context.Context, prefix string) (*signedurl.Downloads, error) {
	f.mu.Lock()
	f.prefixes = append(f.prefixes, prefix)
	f.mu.Unlock()
	return &signedurl.Downloads{ExpiresAt: time.Now().Add(time.Hour).UTC().Truncate(time.Second),
		Objects: []signedurl.Object{{Name: "manifest.json", Size: 10, CRC32C: "0000abcd", MD5: "00", URL: "https://storage.example/" + prefix + "manifest.json?X-Goog-Signature=x"}}}, nil
}

// withDownloads serves s's control plane again, with d as the signer.
func withDownloads(t *testing.T, s *stack, d startexport.DownloadSigner) {
	v, err := auth.NewVerifier(s.ws.IssuerURL(), audience, auth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(&startexport.Handler{Service: s.svc, Verifier: v, Log: slog.New(slog.DiscardHandler), Downloads: d})
	t.Cleanup(srv.Close)
	s.url = srv.URL
}

func TestDownloadsOnlyForCompletedExportsOfOnesOrganisation(t *testing.T) {
	a := newStack(t, synth.Tiny(21))
	optsB := synth.Tiny(22)
	optsB.Domain = "other.example"
	b := newStack(t, optsB, a)
	fa, fb := &signer{}, &signer{}
	withDownloads(t, a, fa)
	withDownloads(t, b, fb)
	admin := a.user(0)
	v := a.start(admin)
	path := "/exports/" + v.ID + "/downloads"

	if r := a.as(admin, http.MethodGet, path, ""); r.Code != http.StatusConflict || r.err(t).Error.Status != "FAILED_PRECONDITION" {
		t.Errorf("downloads of an export on hold: %d %s", r.Code, r.Body)
	}
	a.complete(v.ID, a.clock.Now())
	r := a.as(admin, http.MethodGet, path, "")
	if r.Code != http.StatusOK {
		t.Fatalf("downloads of a completed export: %d %s", r.Code, r.Body)
	}
	var d struct {
		ExpiresAt time.Time `json:"expires_at"`
		Objects   []struct {
			Name, CRC32C, MD5, URL string
			Size                   int64
		} `json:"objects"`
	}
	r.decode(t, &d)
	if len(d.Objects) != 1 || d.Objects[0].URL == "" || d.ExpiresAt.IsZero() || len(fa.prefixes) != 1 || fa.prefixes[0] != a.org.Customer().ID+"/"+v.ID+"/" {
		t.Errorf("answer %s for prefixes %v", r.Body, fa.prefixes)
	}
	if r := a.as(a.user(5), http.MethodGet, path, ""); r.Code != http.StatusForbidden {
		t.Errorf("downloads by a user who is no admin: %d %s", r.Code, r.Body)
	}
	theirs := b.user(0)
	missing := b.as(theirs, http.MethodGet, "/exports/20260601-doesnotexist/downloads", "")
	if r := b.as(theirs, http.MethodGet, path, ""); r.Code != http.StatusNotFound || !bytes.Equal(r.Body, missing.Body) {
		t.Errorf("another organisation's export: %d %s (a missing one: %s)", r.Code, r.Body, missing.Body)
	}
	if len(fb.prefixes) != 0 {
		t.Errorf("another organisation's admin had URLs signed for %v", fb.prefixes)
	}
	a.clock.Add(31 * 24 * time.Hour) // past the 30 days (R12), before Housekeeping ran
	if r := a.as(admin, http.MethodGet, path, ""); r.Code != http.StatusConflict || len(fa.prefixes) != 1 {
		t.Errorf("downloads of an expired export: %d %s", r.Code, r.Body)
	}
}

func TestDownloadsNotConfigured(t *testing.T) {
	s := newStack(t, synth.Tiny(23))
	v := s.start(s.user(0))
	s.complete(v.ID, s.clock.Now())
	if r := s.as(s.user(0), http.MethodGet, "/exports/"+v.ID+"/downloads", ""); r.Code != http.StatusConflict {
		t.Errorf("downloads without a signer: %d %s", r.Code, r.Body)
	}
}
