package chat_test

import (
	"context"
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
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/connector/chat"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
)

const chromiumPath = "/usr/bin/chromium"

// A space's messages.html, with markup in its name and messages, opens from
// disk in headless Chromium with no console error and no dialog, and its
// attachment links name files that exist beside it.
func TestHTMLOpensInChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("%s not found (apt-get install chromium)", chromiumPath)
	}
	opts := synth.Tiny(3)
	opts.Hostile = true
	env := connectortest.Start(t, opts)
	dir := t.TempDir()
	var pages []string
	var space connector.Account // the last named space
	for _, a := range env.Accounts() {
		if a.Kind == "chat-space" {
			space = a
		}
	}
	r, err := connectortest.ExportAll(context.Background(), chat.New(env.Factory, chat.Options{}), space, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range r.Entries() {
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
	for _, p := range pages {
		u := (&url.URL{Scheme: "file", Path: p}).String()
		if err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitReady("body"), chromedp.Sleep(100*time.Millisecond)); err != nil {
			t.Fatalf("open %s: %v", p, err)
		}
		links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.links].map(a => a.href)`))
		if err != nil {
			t.Fatal(err)
		}
		if len(links) == 0 {
			t.Errorf("%s links to no attachment", p)
		}
		for _, l := range links {
			lu, err := url.Parse(l)
			if err != nil || lu.Scheme != "file" {
				t.Errorf("link %s", l)
				continue
			}
			if _, err := os.Stat(lu.Path); err != nil {
				t.Errorf("link to a missing file: %s", l)
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(problems) > 0 {
		t.Errorf("pages logged: %q", problems)
	}
	if len(pages) != 1 {
		t.Errorf("%d pages, want the space's messages.html", len(pages))
	}
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
