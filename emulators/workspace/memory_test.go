package workspace_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sync"
	"testing"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

// Serving the 10,000-user Large organisation keeps the heap small: only
// per-account metadata is held, content is generated per request.
func TestLargeOrganisationMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("serves a 10,000-user organisation")
	}
	s := start(t, synth.Large(1), workspace.Faults{})
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	ctx := context.Background()
	hc, _ := s.HTTPClient(ctx, "admin@example.com")
	for tok := ""; ; {
		res, err := hc.Get(s.URL() + "/admin/directory/v1/users?customer=my_customer&maxResults=500&fields=nextPageToken&pageToken=" + tok)
		if err != nil {
			t.Fatal(err)
		}
		var p struct{ NextPageToken string }
		decodeJSON(t, res, &p)
		if tok = p.NextPageToken; tok == "" {
			break
		}
	}
	users := s.Org().Users()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var served int64
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < 100; i += 4 {
				u := users[i*49%len(users)]
				if u.Suspended {
					continue // Google refuses to serve a suspended account's data
				}
				n := readUser(t, s, u)
				mu.Lock()
				served += n
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	h := heap()
	t.Logf("Large organisation (10,000 users): heap in use %.1f MiB after serving %.1f MiB of content to 100 users",
		float64(h)/(1<<20), float64(served)/(1<<20))
	if h > 128<<20 {
		t.Errorf("heap in use %d MiB, want < 128 MiB", h>>20)
	}
}

func readUser(t *testing.T, s *workspace.Server, u synth.User) int64 {
	hc, err := s.HTTPClient(context.Background(), u.Email)
	if err != nil {
		t.Error(err)
		return 0
	}
	var n int64
	for _, path := range []string{
		"/gmail/v1/users/me/messages?maxResults=500",
		"/gmail/v1/users/me/messages/" + s.Org().MessageID(u.Index, 2) + "?format=raw",
		"/drive/v3/files?pageSize=1000&fields=*",
		"/drive/v3/files/" + s.Org().FileID(synth.Owner{Index: u.Index}, 17) + "?alt=media",
		"/drive/v3/files/" + s.Org().FileID(synth.Owner{Index: u.Index}, 10) + "/export?mimeType=" + synth.MimeDocx,
		"/calendar/v3/calendars/primary/events?showDeleted=true",
		"/v1/people/me/connections?personFields=names,emailAddresses,photos",
	} {
		res, err := hc.Get(s.URL() + path)
		if err != nil {
			t.Error(err)
			return n
		}
		c, _ := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("%s for %s: %s", path, u.Email, res.Status)
		}
		n += c
	}
	return n
}

func decodeJSON(t *testing.T, res *http.Response, v any) {
	t.Helper()
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("status %s", res.Status)
	}
	if err := jsonDecode(res.Body, v); err != nil {
		t.Fatal(fmt.Errorf("decode: %w", err))
	}
}
