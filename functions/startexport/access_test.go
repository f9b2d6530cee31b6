package startexport_test

import (
	"bytes"
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/functions/startexport"
	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/export"
)

func TestBadTokensAre401(t *testing.T) {
	s := newStack(t, synth.Tiny(10))
	admin := s.user(0)
	good := s.token(admin)
	wrongAud, _ := s.ws.MintIDToken(admin, "another-client")
	other := newStack(t, synth.Tiny(10), s) // same organisation, another issuer
	wrongIss := other.token(admin)
	parts := strings.Split(good, ".")
	claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
	forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString(bytes.Replace(claims, []byte(admin), []byte(s.user(1)), 1)) + "." + parts[2]
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	for name, authz := range map[string]string{
		"missing": "", "not bearer": "Basic " + good,
		"wrong audience": "Bearer " + wrongAud, "wrong issuer": "Bearer " + wrongIss,
		"badly signed": "Bearer " + forged, "alg none": "Bearer " + none, "garbage": "Bearer x.y.z",
	} {
		for _, req := range [][2]string{{http.MethodPost, "/exports"}, {http.MethodGet, "/exports"}, {http.MethodGet, "/audit"}} {
			r := s.call(req[0], req[1], authz, "{}")
			if r.Code != http.StatusUnauthorized || r.err(t).Error.Status != "UNAUTHENTICATED" {
				t.Errorf("%s token, %s %s: %d %s", name, req[0], req[1], r.Code, r.Body)
			}
			if len(good) > 0 && bytes.Contains(r.Body, []byte(parts[2])) {
				t.Errorf("%s token: the answer echoes the token", name)
			}
		}
	}
	if code, body := s.expiredCall(t, http.MethodPost, "/exports", good); code != http.StatusUnauthorized || !bytes.Contains(body, []byte("expired")) {
		t.Errorf("expired token: %d %s", code, body)
	}
	if r := s.call(http.MethodGet, "/exports", "Bearer "+good, ""); r.Code != http.StatusOK {
		t.Errorf("the good token was refused: %d %s", r.Code, r.Body)
	}
	if n := len(s.tasks.all()); n != 0 {
		t.Errorf("bad tokens created %d tasks", n)
	}
}

// expiredCall sends a valid token to a handler whose verifier's clock is
// two hours ahead, for which the token expired an hour ago.
func (s *stack) expiredCall(t *testing.T, method, path, tok string) (int, []byte) {
	t.Helper()
	v, err := auth.NewVerifier(s.ws.IssuerURL(), audience, auth.Options{Now: func() time.Time { return time.Now().Add(2 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	h := &startexport.Handler{Service: s.svc, Verifier: v, Log: slog.New(slog.DiscardHandler)}
	req := httptest.NewRequest(method, path, strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

func TestOtherOrganisationsExportsAre404(t *testing.T) {
	a := newStack(t, synth.Tiny(11))
	optsB := synth.Tiny(12)
	optsB.Domain = "other.example"
	b := newStack(t, optsB, a)
	mine := a.start(a.user(0))
	theirs := b.user(0)
	missing := b.as(theirs, http.MethodGet, "/exports/20260601-doesnotexist", "")
	for _, req := range [][2]string{{http.MethodGet, "/exports/" + mine.ID}, {http.MethodPost, "/exports/" + mine.ID + ":cancel"}} {
		r := b.as(theirs, req[0], req[1], "{}")
		if r.Code != http.StatusNotFound {
			t.Errorf("%s %s from another organisation: %d %s", req[0], req[1], r.Code, r.Body)
			continue
		}
		if !bytes.Equal(r.Body, missing.Body) {
			t.Errorf("another organisation's export answers differently from a missing one:\n%s\n%s", r.Body, missing.Body)
		}
	}
	var l struct{ Exports []view }
	b.as(theirs, http.MethodGet, "/exports", "").decode(t, &l)
	if len(l.Exports) != 0 || len(b.audit(theirs)) != 0 {
		t.Errorf("another organisation sees %d exports", len(l.Exports))
	}
	if v := a.get(a.user(0), mine.ID); v.State != export.OnHold {
		t.Errorf("the export changed: %s", v.State)
	}
}

func TestBadBodies(t *testing.T) {
	s := newStack(t, synth.Tiny(13))
	admin := s.user(0)
	for name, c := range map[string]struct {
		body string
		code int
	}{
		"malformed":     {`{"note":`, http.StatusBadRequest},
		"not an object": {`[1,2]`, http.StatusBadRequest},
		"unknown field": {`{"priority":"high"}`, http.StatusBadRequest},
		"two objects":   {`{} {}`, http.StatusBadRequest},
		"oversized":     {`{"users":"` + strings.Repeat("a", 70<<10) + `"}`, http.StatusRequestEntityTooLarge},
	} {
		r := s.as(admin, http.MethodPost, "/exports", c.body)
		if r.Code != c.code {
			t.Errorf("%s body: %d %s, want %d", name, r.Code, r.Body, c.code)
			continue
		}
		r.err(t)
	}
	if n := len(s.tasks.all()); n != 0 {
		t.Errorf("bad bodies created %d tasks", n)
	}
	if len(s.audit(admin)) != 0 {
		t.Error("bad bodies were audited as starts")
	}
}

func TestOnlySuperAdminsReadExports(t *testing.T) {
	s := newStack(t, synth.Tiny(14))
	v := s.start(s.user(0))
	user := s.user(5)
	for _, path := range []string{"/exports", "/exports/" + v.ID, "/audit"} {
		if r := s.as(user, http.MethodGet, path, ""); r.Code != http.StatusForbidden {
			t.Errorf("GET %s by a user who is no admin: %d %s", path, r.Code, r.Body)
		}
	}
	// Another super administrator (without 2SV) may read and cancel.
	if got := s.get(s.user(1), v.ID); got.ID != v.ID {
		t.Errorf("another super administrator reads %+v", got)
	}
}

func TestWrongMethodsAndLongNotes(t *testing.T) {
	s := newStack(t, synth.Tiny(15))
	admin := s.user(0)
	v := s.start(admin)
	for _, c := range []struct {
		method, path, body string
		code               int
	}{
		{http.MethodDelete, "/exports/" + v.ID, "", http.StatusMethodNotAllowed},
		{http.MethodGet, "/exports/" + v.ID + ":cancel", "", http.StatusMethodNotAllowed},
		{http.MethodPost, "/audit", "{}", http.StatusMethodNotAllowed},
		{http.MethodGet, "/nothing", "", http.StatusNotFound},
		{http.MethodPost, "/exports/" + v.ID + ":cancel", `{"note":"` + strings.Repeat("n", 1001) + `"}`, http.StatusBadRequest},
	} {
		r := s.as(admin, c.method, c.path, c.body)
		if r.Code != c.code {
			t.Errorf("%s %s: %d %s, want %d", c.method, c.path, r.Code, r.Body, c.code)
			continue
		}
		r.err(t)
	}
	if got := s.get(admin, v.ID); got.State != export.OnHold {
		t.Errorf("refused requests changed the export: %s", got.State)
	}
}

// An id orgexport could never have made is answered as an export that does
// not exist, before the store is asked (a Firestore reserved name, a path,
// bytes that are not UTF-8).
func TestIdsOutsideTheAlphabetAre404(t *testing.T) {
	s := newStack(t, synth.Tiny(13))
	admin := s.user(0)
	missing := s.as(admin, http.MethodGet, "/exports/20260601-doesnotexist", "")
	for _, id := range []string{"__name__", "__x__:cancel", "%ff%fe", "a.b", strings.Repeat("x", 200)} {
		method := http.MethodGet
		if strings.HasSuffix(id, ":cancel") {
			method = http.MethodPost
		}
		r := s.as(admin, method, "/exports/"+id, "{}")
		if r.Code != http.StatusNotFound || !bytes.Equal(r.Body, missing.Body) {
			t.Errorf("%s /exports/%s: %d %s, want the 404 of a missing export", method, id, r.Code, r.Body)
		}
	}
}
