package report

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

const chromiumPath = "/usr/bin/chromium"

// browserEvents collects what the page did that a user could notice.
type browserEvents struct {
	mu       sync.Mutex
	errors   []string // console errors, exceptions, CSP violations
	dialogs  []string // alert(), confirm(), …
	requests []string // every URL the page loaded
}

func (b *browserEvents) listen(ctx context.Context) error {
	return chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if t := string(ev.Type); t == "error" || t == "warning" {
				b.errors = append(b.errors, "console."+string(ev.Type))
			}
		case *runtime.EventExceptionThrown:
			b.errors = append(b.errors, "exception: "+ev.ExceptionDetails.Text)
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError || ev.Entry.Level == cdplog.EntryLevelWarning {
				b.errors = append(b.errors, string(ev.Entry.Source)+": "+ev.Entry.Text)
			}
		case *cdppage.EventJavascriptDialogOpening:
			b.dialogs = append(b.dialogs, ev.Message)
			go chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{})
		case *network.EventRequestWillBeSent:
			b.requests = append(b.requests, ev.Request.URL)
		}
	})
}

// openInChromium writes the sample report and its part files to a temp
// directory and opens the page from disk, as a downloaded copy would be.
func openInChromium(t *testing.T) (context.Context, *browserEvents, string) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("Chromium tests skipped: %s not found (apt-get install chromium)", chromiumPath)
	}
	dir := t.TempDir()
	html, _ := render(t, sampleInput())
	if err := os.WriteFile(filepath.Join(dir, "report.html"), html, 0o644); err != nil {
		t.Fatal(err)
	}
	r, _ := Build(sampleInput())
	for _, a := range slices.Concat(r.withErrors, r.withoutErrors) {
		for _, p := range a.Parts {
			name := filepath.Join(dir, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, []byte("PK\x05\x06"+strings.Repeat("\x00", 18)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1200, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	ev := &browserEvents{}
	if err := ev.listen(bctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	pageURL := (&url.URL{Scheme: "file", Path: filepath.Join(dir, "report.html")}).String()
	if err := chromedp.Do(bctx, chromedp.Navigate(pageURL), chromedp.WaitReady("body")); err != nil {
		t.Fatalf("open %s: %v", pageURL, err)
	}
	return bctx, ev, dir
}

func TestInChromium(t *testing.T) {
	ctx, ev, dir := openInChromium(t)
	t.Run("details expand on click", func(t *testing.T) { detailsExpand(t, ctx) })
	t.Run("failed file name is text", func(t *testing.T) { nameIsText(t, ctx) })
	t.Run("links resolve to part files", func(t *testing.T) { linksResolve(t, ctx, dir) })
	t.Run("no console errors, dialogs or outside requests", func(t *testing.T) {
		// Let anything asynchronous (an onerror handler, a late load) happen.
		if err := chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		ev.mu.Lock()
		defer ev.mu.Unlock()
		if len(ev.errors) > 0 {
			t.Errorf("page logged errors: %q", ev.errors)
		}
		if len(ev.dialogs) > 0 {
			t.Errorf("page opened dialogs: %q", ev.dialogs)
		}
		for _, u := range ev.requests {
			if !strings.HasSuffix(u, "/report.html") {
				t.Errorf("page loaded %s", u)
			}
		}
	})
	// Last, as it navigates away: the same page served over HTTP, as from
	// the bucket.
	t.Run("links resolve when served over HTTP", func(t *testing.T) { linksResolveOverHTTP(t, ctx, dir) })
	if shot := os.Getenv("REPORT_SCREENSHOT"); shot != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(shot, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func detailsExpand(t *testing.T, ctx context.Context) {
	const first = `document.querySelector("details.failures")`
	state := func() (open, visible bool) {
		var err error
		if open, err = chromedp.Run(ctx, chromedp.Evaluate[bool](first+`.open`)); err == nil {
			visible, err = chromedp.Run(ctx, chromedp.Evaluate[bool](first+`.querySelector("li").checkVisibility()`))
		}
		if err != nil {
			t.Fatal(err)
		}
		return open, visible
	}
	quietOpen, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("details.quiet").open`))
	if err != nil {
		t.Fatal(err)
	}
	openBefore, visibleBefore := state()
	if openBefore || visibleBefore || quietOpen {
		t.Errorf("lists not collapsed at first: failures open=%v visible=%v, quiet open=%v", openBefore, visibleBefore, quietOpen)
	}
	if err := chromedp.Do(ctx, chromedp.Click("details.failures > summary", chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	if open, visible := state(); !open || !visible {
		t.Errorf("after a click on its summary the list is open=%v, visible=%v", open, visible)
	}
}

func nameIsText(t *testing.T, ctx context.Context) {
	active, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("img, script, iframe, object, embed").length`))
	if err != nil {
		t.Fatal(err)
	}
	items, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("details.failures .item")].map(e => e.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	if active != 0 {
		t.Errorf("page has %d img/script/iframe/object/embed elements", active)
	}
	if !slices.Contains(items, "Drive/"+xssName) {
		t.Errorf("failed file %q not shown as text; items: %q", xssName, items)
	}
}

func linksResolve(t *testing.T, ctx context.Context, dir string) {
	hrefs, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("a[href]:not([href^=\"#\"])")].map(a => a.href)`))
	if err != nil {
		t.Fatal(err)
	}
	linked := map[string]bool{}
	for _, h := range hrefs {
		u, err := url.Parse(h)
		if err != nil || u.Scheme != "file" {
			t.Errorf("link %q is not a local file", h)
			continue
		}
		if fi, err := os.Stat(u.Path); err != nil || !fi.Mode().IsRegular() {
			t.Errorf("link %q does not resolve to a part file: %v", h, err)
		}
		linked[u.Path] = true
	}
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".zip") && !linked[p] {
			t.Errorf("part %s has no link", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(linked) != 6 {
		t.Errorf("%d part files linked, want 6", len(linked))
	}
}

func linksResolveOverHTTP(t *testing.T, ctx context.Context, dir string) {
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/report.html"), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	hrefs, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("a[href]:not([href^=\"#\"])")].map(a => a.href)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(hrefs) < 6 {
		t.Fatalf("only %d links", len(hrefs))
	}
	for _, h := range hrefs {
		if !strings.HasPrefix(h, srv.URL+"/") {
			t.Errorf("link %q leaves the report's folder", h)
			continue
		}
		resp, err := srv.Client().Get(h)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), "PK") {
			t.Errorf("GET %s: %s, %d bytes", h, resp.Status, len(body))
		}
	}
}
