package keep_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
)

const chromiumPath = "/usr/bin/chromium"

// Every note's HTML page, with markup in titles and text, opens from disk
// in headless Chromium with no console error, no dialog, and its images
// loaded.
func TestHTMLOpensInChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("%s not found (apt-get install chromium)", chromiumPath)
	}
	opts := synth.Tiny(3)
	opts.Hostile = true
	env := connectortest.Start(t, opts)
	dir := t.TempDir()
	var pages []string
	for _, e := range exportUser(t, env, 1).Entries() {
		name := filepath.Join(dir, filepath.FromSlash(e.Path))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, e.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		if path.Ext(e.Path) == ".html" {
			pages = append(pages, name)
		}
	}
	ctx := browser(t)
	var mu sync.Mutex
	var problems []string
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			problems = append(problems, "console."+string(ev.Type))
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+ev.ExceptionDetails.Text)
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError || ev.Entry.Level == cdplog.EntryLevelWarning {
				problems = append(problems, string(ev.Entry.Source)+": "+ev.Entry.Text)
			}
		case *cdppage.EventJavascriptDialogOpening:
			problems = append(problems, "dialog: "+ev.Message)
			go chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{})
		}
	}); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	images := 0
	for _, p := range pages {
		u := (&url.URL{Scheme: "file", Path: p}).String()
		if err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitReady("body"), chromedp.Sleep(100*time.Millisecond)); err != nil {
			t.Fatalf("open %s: %v", p, err)
		}
		loaded, err := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.images].filter(i => i.complete && i.naturalWidth > 0).length`))
		broken, err2 := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).length`))
		if err = errors.Join(err, err2); err != nil {
			t.Fatalf("open %s: %v", p, err)
		}
		if broken > 0 {
			t.Errorf("%s: %d images did not load", filepath.Base(p), broken)
		}
		images += loaded
	}
	mu.Lock()
	defer mu.Unlock()
	if len(problems) > 0 {
		t.Errorf("pages logged: %q", problems)
	}
	if images == 0 || len(pages) != env.Server.Org().NoteCount(1) {
		t.Errorf("%d pages with %d images opened; want one page per note and some images", len(pages), images)
	}
	t.Logf("%d note pages opened, %d images shown", len(pages), images)
}

func browser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(t.TempDir()))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	return ctx
}
