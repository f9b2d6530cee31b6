package console_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

const chromiumPath = "/usr/bin/chromium"

// axeVersion is the axe-core release the accessibility check injects.
const axeVersion = "4.14.1"

// browser is one headless Chromium with what its pages did.
type browser struct {
	ctx context.Context
	mu  sync.Mutex
	// problems are console errors, exceptions and CSP violations.
	problems []string
	// bytes counts the encoded bytes received since the last resetWeight.
	bytes    int64
	requests int
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("browser test skipped: %s not found (apt-get install chromium)", chromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	b := &browser{ctx: ctx}
	err := chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			b.problems = append(b.problems, "exception: "+ev.ExceptionDetails.Text+" "+exceptionText(ev))
		case *runtime.EventConsoleAPICalled:
			if ev.Type == "error" {
				b.problems = append(b.problems, "console.error")
			}
		case *cdplog.EventEntryAdded:
			// A 404 of a refusal page the test asks for is expected; a
			// CSP violation or a script error is not.
			if ev.Entry.Level == cdplog.EntryLevelError && !strings.Contains(ev.Entry.Text, "status of 40") {
				b.problems = append(b.problems, string(ev.Entry.Source)+": "+ev.Entry.Text)
			}
		case *network.EventLoadingFinished:
			b.bytes += int64(ev.EncodedDataLength)
			b.requests++
		}
	})
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	// Every page is weighed as a first visit: nothing from the cache.
	if _, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		t.Fatalf("disable the cache: %v", err)
	}
	return b
}

func exceptionText(ev *runtime.EventExceptionThrown) string {
	if ev.ExceptionDetails.Exception != nil {
		return ev.ExceptionDetails.Exception.Description
	}
	return ""
}

func (b *browser) fail(t *testing.T, what string, err error) {
	t.Helper()
	loc, _ := chromedp.Run(b.ctx, chromedp.Location())
	text, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	t.Fatalf("%s: %v (at %s)\n%s", what, err, loc, text)
}

// do runs actions with a deadline.
func (b *browser) do(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.fail(t, what, err)
	}
}

// open navigates to u and waits for the page's main element.
func (b *browser) open(t *testing.T, u string) {
	t.Helper()
	b.do(t, "open "+u, chromedp.Navigate(u), chromedp.WaitReady(chromedp.CSS("main")))
}

// eval evaluates js (awaiting a promise) into a T.
func eval[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail(t, "evaluate "+js, err)
	}
	return v
}

// text is the inner text of the first element matching the CSS selector.
func (b *browser) text(t *testing.T, sel string) string {
	t.Helper()
	return strings.TrimSpace(eval[string](t, b, `(() => { const e = document.querySelector(`+jsonString(sel)+`); return e ? e.innerText : "(no `+strings.ReplaceAll(sel, `"`, "")+`)"; })()`))
}

// waitFor polls a JavaScript condition until it holds.
func (b *browser) waitFor(t *testing.T, what, cond string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => { try { return !!(`+cond+`) } catch { return false } })()`))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.fail(t, "waiting for "+what, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (b *browser) resetWeight() {
	b.mu.Lock()
	b.bytes, b.requests = 0, 0
	b.mu.Unlock()
}

func (b *browser) weight() (int64, int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.bytes, b.requests
}

func (b *browser) takeProblems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.problems
	b.problems = nil
	return p
}

// tabTo presses Tab until the element with id has the focus, as a
// keyboard user does, and fails after 40 presses.
func (b *browser) tabTo(t *testing.T, id string) {
	t.Helper()
	for range 40 {
		if eval[string](t, b, `document.activeElement ? document.activeElement.id : ""`) == id {
			return
		}
		b.do(t, "press Tab", chromedp.KeyEvent("\t"))
	}
	t.Fatalf("#%s never got the keyboard focus", id)
}

// axeSource installs axe-core with npm into the user's cache once and
// returns the script, or "" and why when npm is not installed (the only
// case in which the accessibility check is skipped).
func axeSource(t *testing.T) (string, string) {
	t.Helper()
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "orgexport", "axe-core-"+axeVersion)
	file := filepath.Join(dir, "node_modules", "axe-core", "axe.min.js")
	if b, err := os.ReadFile(file); err == nil {
		return string(b), ""
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", "accessibility check (axe-core) skipped: npm is not installed, so axe-core cannot be (apt-get install npm)"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(npm, "install", "--prefix", dir, "--no-audit", "--no-fund", "--no-save", "--no-package-lock", "axe-core@"+axeVersion)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm install axe-core@%s: %v\n%s", axeVersion, err, out)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), ""
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// checkAccessibility runs axe-core on the current page and fails on any
// violation of impact serious or critical.
func (b *browser) checkAccessibility(t *testing.T, axe, page string) {
	t.Helper()
	if axe == "" {
		return
	}
	if !eval[bool](t, b, axe+"\n;typeof axe === 'object'") {
		t.Fatal("axe-core did not load")
	}
	raw := eval[string](t, b, `axe.run(document).then(r => JSON.stringify(r.passes.length > 0 ? r.violations : null))`)
	if raw == "null" {
		t.Fatalf("axe checked nothing on %s", page)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		t.Fatalf("axe on %s: %v", page, err)
	}
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			var where []string
			for _, n := range v.Nodes {
				where = append(where, strings.Trim(strings.ReplaceAll(strings.Join(strings.Fields(strings.Trim(jsonString(n.Target), "[]")), " "), `"`, ""), " "))
			}
			t.Errorf("%s: axe %s violation %s (%s) at %v", page, v.Impact, v.ID, v.Help, where)
		}
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// screenshot writes the page to dir/name when dir is set.
func (b *browser) screenshot(t *testing.T, dir, name string) {
	t.Helper()
	if dir == "" {
		return
	}
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
