package console_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/orgexport/orgexport/emulators/devstack"
	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

// The console as an admin uses it, in Chromium, against the whole local
// stack: two organisations, one with three super administrators (so a
// hold) and one with a single super administrator (no hold).
//
// CONSOLE_SCREENSHOTS=dir writes the pages' screenshots there (docs/ has
// them).
func TestConsoleInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole local stack and Chromium")
	}
	b := newBrowser(t)
	axe, noAxe := axeSource(t)
	t.Run("axe-core is installed", func(t *testing.T) {
		if axe == "" {
			t.Skip(noAxe)
		}
	})
	shots := os.Getenv("CONSOLE_SCREENSHOTS")
	s := startStack(t)
	con := s.ConsoleURL()
	many, solo := "admin@example.com", "admin@solo.example"
	figures := &measures{}
	t.Cleanup(func() { figures.report(t) })

	t.Run("refusals before sign-in", func(t *testing.T) {
		user := s.Workspace.Org().Users()[4].Email // an ordinary user
		b.signIn(t, con, user)
		if h := b.text(t, "h1"); h != "Only super administrators can use the console" {
			t.Errorf("a user who is no admin sees %q", h)
		}
		b.signIn(t, con, workspace.ConsumerAccount)
		if h := b.text(t, "h1"); h != "This is a personal Google account" {
			t.Errorf("a personal account sees %q", h)
		}
		if body := b.text(t, "main"); !strings.Contains(body, "Sign in") || strings.Contains(body, "{") {
			t.Errorf("the refusal is not a page to act on: %q", body)
		}
		b.checkAccessibility(t, axe, "refusal page")
		b.resetWeight()
		b.signIn(t, con, workspace.ConsumerAccount)
		figures.weight("refusal (sign-in page, callback, refusal)", b)
		// A refused account has no session: the console asks to sign in.
		b.open(t, con+"/history")
		b.waitFor(t, "the sign-in page", `location.pathname === "/oidc/authorize"`, 10*time.Second)
	})

	var held string
	t.Run("sign in, checklist, start with the keyboard, hold, cancel", func(t *testing.T) {
		b.resetWeight()
		took := b.signIn(t, con, many)
		figures.add("sign-in → home (3 super admins)", took)
		b.waitFor(t, "the setup panel", `!document.querySelector("#setup .status").innerText.startsWith("Checking")`, 10*time.Second)
		figures.weigh(t, b, "home", con+"/")
		if n := eval[int](t, b, `document.querySelectorAll("#checklist li.pass").length`); n != 4 {
			t.Errorf("%d of 4 rules passed for %s:\n%s", n, many, b.text(t, "#checklist"))
		}
		if st := b.text(t, "#r2-state"); !strings.Contains(st, "You can start one now") {
			t.Errorf("R2 state %q", st)
		}
		// The deployment's setup check (GET /setup) ran against the emulator,
		// where every API, scope and licence is in place.
		if st := b.text(t, "#setup .status"); !strings.HasPrefix(st, "Every product is ready.") {
			t.Errorf("setup panel %q", st)
		}
		b.checkAccessibility(t, axe, "home")
		b.screenshot(t, shots, "console-home.png")

		// Keyboard only: Tab to Start, Enter; Tab to the confirmation, Enter.
		b.tabTo(t, "start")
		b.do(t, "Enter on Start", chromedp.KeyEvent("\r"))
		b.waitFor(t, "the confirmation", `document.getElementById("confirm-start")`, 10*time.Second)
		what := b.text(t, "#what-happens")
		for _, must := range []string{"All data of all accounts", "1 hour hold", "48 hours in production", "3 super administrators",
			s.Workspace.Org().Users()[1].Email, "US", "30 days", "One export per 30 days"} {
			if !strings.Contains(what, must) {
				t.Errorf("the confirmation does not say %q:\n%s", must, what)
			}
		}
		b.checkAccessibility(t, axe, "confirmation")
		figures.weigh(t, b, "confirmation", con+"/start")
		b.tabTo(t, "confirm-start")
		b.resetWeight()
		t0 := time.Now()
		b.do(t, "Enter on confirm", chromedp.KeyEvent("\r"))
		b.waitFor(t, "the export page", `document.querySelector("#timeline li.current")`, 20*time.Second)
		figures.add("Start → export page", time.Since(t0))
		if st := b.text(t, "#state"); st != "On hold" {
			t.Fatalf("new export is %q", st)
		}
		held = eval[string](t, b, `location.pathname.split("/").pop()`)
		b.waitFor(t, "the countdown", `/^59 min \d+ s$/.test(document.getElementById("countdown").innerText)`, 5*time.Second)
		first := b.text(t, "#countdown")
		b.waitFor(t, "the countdown to move", `document.getElementById("countdown").innerText !== `+jsonString(first), 5*time.Second)
		b.checkAccessibility(t, axe, "export on hold")
		figures.weigh(t, b, "export, on hold", con+"/exports/"+held)
		b.screenshot(t, shots, "console-export-hold.png")

		// A POST without the CSRF token changes nothing.
		code := eval[int](t, b, `fetch(location.pathname + "/cancel", {method: "POST", body: new URLSearchParams({note: "forged"})}).then(r => r.status)`)
		if code != http.StatusForbidden {
			t.Errorf("a cancel without the CSRF token: %d", code)
		}
		b.open(t, con+"/exports/"+held)
		if st := b.text(t, "#state"); st != "On hold" {
			t.Fatalf("after a refused POST the export is %q", st)
		}

		// Cancel with a note, keyboard only.
		b.tabTo(t, "note")
		b.do(t, "type a note", chromedp.KeyEvent("not this week"))
		b.tabTo(t, "cancel-export")
		b.do(t, "Enter on Cancel", chromedp.KeyEvent("\r"))
		b.waitFor(t, "the cancelled export", `document.getElementById("state").innerText === "Cancelled"`, 10*time.Second)
		if tl := b.text(t, "#timeline"); !strings.Contains(tl, "By "+many) || !strings.Contains(tl, "not this week") {
			t.Errorf("the timeline does not say who cancelled and why:\n%s", tl)
		}
		if !eval[bool](t, b, `document.getElementById("cancel").hidden`) {
			t.Error("a cancelled export still offers Cancel")
		}
		b.open(t, con+"/audit")
		if a := b.text(t, "main table"); !strings.Contains(a, "export.cancel") || !strings.Contains(a, "export.start") {
			t.Errorf("the audit log lacks the start and the cancel:\n%s", a)
		}
		b.checkAccessibility(t, axe, "audit log")
		figures.weigh(t, b, "audit log", con+"/audit")
		figures.weigh(t, b, "history", con+"/history")
		b.signOut(t)
	})

	t.Run("another organisation's admin cannot see the export", func(t *testing.T) {
		if held == "" {
			t.Skip("no export was started")
		}
		took := b.signIn(t, con, solo)
		figures.add("sign-in → home (1 super admin)", took)
		b.open(t, con+"/exports/"+held)
		theirs := b.text(t, "main")
		b.open(t, con+"/exports/20261201-aaaaaaaaaaaaaaaa")
		missing := b.text(t, "main")
		if theirs != missing || !strings.Contains(theirs, "There is no such export in your organisation") {
			t.Errorf("another organisation's export:\n%s\nmissing one:\n%s", theirs, missing)
		}
		b.open(t, con+"/history")
		if strings.Contains(b.text(t, "main"), held) {
			t.Error("the other organisation's history lists the export")
		}
	})

	var done string
	t.Run("one super admin: start, progress to completion, report", func(t *testing.T) {
		soloOrg, _ := s.Workspace.Tenant("solo.example")
		failing := []string{soloOrg.Org().FileID(synth.Owner{}, 3), soloOrg.Org().FileID(synth.Owner{}, 4)}
		// Two files fail; every Drive call takes 250 ms, so the export runs
		// for seconds and the page polls it while it runs.
		slow := map[string]workspace.APIFaults{"drive": {Latency: workspace.Duration(250 * time.Millisecond)}}
		if err := soloOrg.SetFaults(workspace.Faults{FailItems: failing, APIs: slow}); err != nil {
			t.Fatal(err)
		}
		b.open(t, con+"/")
		b.do(t, "click Start", chromedp.Click(chromedp.CSS("#start")))
		b.waitFor(t, "the confirmation", `document.getElementById("confirm-start")`, 10*time.Second)
		if w := b.text(t, "#what-happens"); !strings.Contains(w, "No hold") {
			t.Errorf("one super admin's confirmation:\n%s", w)
		}
		b.resetWeight()
		t0 := time.Now()
		b.do(t, "confirm", chromedp.Click(chromedp.CSS("#confirm-start")))
		b.waitFor(t, "the export page", `document.querySelector("#timeline li.current")`, 20*time.Second)
		figures.add("Start → export page (no hold)", time.Since(t0))
		done = eval[string](t, b, `location.pathname.split("/").pop()`)
		// What the page shows, each time it changes, without a reload.
		eval[bool](t, b, `window.stayed = true; window.seen = [];
			new MutationObserver(() => seen.push(document.getElementById("state").innerText + "|" + document.getElementById("p-accounts").innerText))
				.observe(document.getElementById("progress"), {childList: true, characterData: true, subtree: true}); true`)
		// Progress shows while running, without reloading the page.
		b.waitFor(t, "progress", `document.getElementById("p-accounts").innerText.includes(" of ")`, 60*time.Second)
		b.waitFor(t, "completion", `document.getElementById("state").innerText.startsWith("Completed")`, 3*time.Minute)
		if !eval[bool](t, b, `window.stayed === true`) {
			t.Error("the page reloaded to show progress")
		}
		seen := eval[[]string](t, b, `[...new Set(window.seen)]`)
		if !slices.ContainsFunc(seen, func(v string) bool { return strings.HasPrefix(v, "Running|") && strings.Contains(v, " of ") }) {
			t.Errorf("the page never showed progress while running: %q", seen)
		}
		t.Logf("the page showed: %q", seen)
		acc := b.text(t, "#p-accounts")
		if m := regexp.MustCompile(`^(\d+) of (\d+)$`).FindStringSubmatch(acc); m == nil || m[1] != m[2] || m[1] == "0" {
			t.Errorf("accounts done %q at completion", acc)
		}
		if st := b.text(t, "#state"); st != "Completed with errors" {
			t.Errorf("state %q with two files failing", st)
		}
		if errs := b.text(t, "#errors tbody"); !strings.Contains(errs, solo) || !strings.Contains(errs, "\t2") {
			t.Errorf("accounts with errors:\n%s", errs)
		}
		if drive := eval[string](t, b, `[...document.querySelectorAll("#by-product tbody tr")].map(r => r.innerText).find(t => t.startsWith("Drive")) || ""`); !strings.HasSuffix(drive, "\t2") {
			t.Errorf("Drive's row %q, want 2 failed", drive)
		}
		for _, sel := range []string{"#by-type tbody tr", "#by-product tbody tr"} {
			if n := eval[int](t, b, `document.querySelectorAll(`+jsonString(sel)+`).length`); n == 0 {
				t.Errorf("no rows in %s", sel)
			}
		}
		b.waitFor(t, "the files", `!document.getElementById("paths").hidden || document.querySelectorAll("#downloads li").length > 0`, 10*time.Second)
		if cmd := b.text(t, "#command"); !strings.HasPrefix(cmd, "orgexport download gs://"+devstack.Bucket+"/") {
			t.Errorf("download command %q", cmd)
		}
		if exp := b.text(t, "#expires"); !strings.Contains(exp, time.Now().AddDate(0, 0, 30).UTC().Format("2 Jan 2006")) {
			t.Errorf("expiry %q, want 30 days from now", exp)
		}
		b.checkAccessibility(t, axe, "export completed")
		figures.weigh(t, b, "export, completed", con+"/exports/"+done)
		b.screenshot(t, shots, "console-export.png")

		// The report, through the console, sandboxed.
		b.do(t, "open the report", chromedp.Click(chromedp.CSS("#report-link")))
		b.waitFor(t, "the report", `location.pathname.endsWith("/report") && document.body.innerText.includes(`+jsonString(done)+`)`, 10*time.Second)
		resp := b.fetchWithSession(t, con+"/exports/"+done+"/report")
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "sandbox") || strings.Contains(csp, "script-src") {
			t.Errorf("report served with CSP %q", csp)
		}
		if resp.StatusCode != http.StatusOK || strings.Contains(resp.body, "<script") {
			t.Errorf("report: %d, script in it: %v", resp.StatusCode, strings.Contains(resp.body, "<script"))
		}
	})

	t.Run("retry failed items: what, progress, report", func(t *testing.T) {
		if done == "" {
			t.Skip("no export completed")
		}
		// The faults lifted; Drive still slow, so the retry's page shows
		// it running before it completes.
		soloOrg, _ := s.Workspace.Tenant("solo.example")
		slow := map[string]workspace.APIFaults{"drive": {Latency: workspace.Duration(time.Second)}}
		if err := soloOrg.SetFaults(workspace.Faults{APIs: slow}); err != nil {
			t.Fatal(err)
		}
		b.open(t, con+"/exports/"+done)
		offer := b.text(t, "#retry")
		for _, must := range []string{"2 items of", "fetched again by id", "retry-N/", "3 of 3 retries left", "Possible until"} {
			if !strings.Contains(offer, must) {
				t.Errorf("the retry section does not say %q:\n%s", must, offer)
			}
		}
		if eval[bool](t, b, `document.getElementById("retry-failed").disabled`) {
			t.Fatalf("Retry failed items is disabled: %s", offer)
		}
		b.checkAccessibility(t, axe, "export with a retry to offer")
		b.do(t, "click Retry failed items", chromedp.Click(chromedp.CSS("#retry-failed")))
		b.waitFor(t, "the retry's page", `document.getElementById("retry-of") && document.querySelector("#timeline li.current")`, 20*time.Second)
		retry := eval[string](t, b, `location.pathname.split("/").pop()`)
		if retry != done+"-retry-1" {
			t.Errorf("the button led to %s, want retry 1 of %s", retry, done)
		}
		if of := b.text(t, "#retry-of"); !strings.Contains(of, "Retry 1 of what failed") || !strings.Contains(of, "retry-1/") ||
			eval[string](t, b, `document.querySelector("#retry-of a").getAttribute("href")`) != "/console/exports/"+done {
			t.Errorf("the retry's page does not name its original: %q", of)
		}
		// Its progress without reloading, to completion: both files
		// recovered.
		eval[bool](t, b, `window.stayed = true; window.states = [];
			new MutationObserver(() => states.push(document.getElementById("state").innerText))
				.observe(document.getElementById("state"), {childList: true, characterData: true, subtree: true}); true`)
		b.waitFor(t, "the retry's completion", `document.getElementById("state").innerText.startsWith("Completed")`, 3*time.Minute)
		if !eval[bool](t, b, `window.stayed === true`) {
			t.Error("the retry's page reloaded to show progress")
		}
		t.Logf("the retry's page showed: %q", eval[[]string](t, b, `[...new Set(window.states)]`))
		if st := b.text(t, "#state"); st != "Completed" {
			t.Errorf("the retry ended %q, want Completed (the faults were lifted)", st)
		}
		b.checkAccessibility(t, axe, "retry completed")
		b.do(t, "open the retry's report", chromedp.Click(chromedp.CSS("#report-link")))
		b.waitFor(t, "the retry's report", `location.pathname.endsWith("/report") && document.body.innerText.includes(`+jsonString(retry)+`)`, 10*time.Second)
		// The original lists it with what it recovered, and offers no more.
		b.open(t, con+"/exports/"+done)
		b.waitFor(t, "the original to list the completed retry", `(() => { const l = document.getElementById("retries"); return l && l.innerText.includes("2 recovered") })()`, 30*time.Second)
		if l := b.text(t, "#retries"); !strings.Contains(l, "Retry 1") || !strings.Contains(l, "0 still failed") {
			t.Errorf("the original's list of retries: %q", l)
		}
		if !eval[bool](t, b, `document.getElementById("retry-failed").disabled`) || !strings.Contains(b.text(t, "#retry-why"), "recovered every failed item") {
			t.Errorf("after a retry that recovered everything the button should be disabled, saying why: %s", b.text(t, "#retry"))
		}
		if href := eval[string](t, b, `document.querySelector("#retries a").getAttribute("href")`); href != "/console/exports/"+retry {
			t.Errorf("the original links its retry as %q", href)
		}
	})

	t.Run("cool-down, support's reset, sign out", func(t *testing.T) {
		if done == "" {
			t.Skip("no export completed")
		}
		b.open(t, con+"/")
		if st := b.text(t, "#r2-state"); !strings.HasPrefix(st, "Next export possible on") {
			t.Errorf("after a completed export: %q", st)
		}
		if !eval[bool](t, b, `document.getElementById("start").disabled`) || !strings.Contains(b.text(t, "#why-not"), "30 days after the last one completed") {
			t.Errorf("Start is not disabled with the reason: %s", b.text(t, "main"))
		}
		b.checkAccessibility(t, axe, "home in cool-down")
		resetCooldown(t, s, "solo.example")
		b.open(t, con+"/")
		if st := b.text(t, "#r2-state"); !strings.Contains(st, "You can start one now") {
			t.Errorf("after support's reset: %q", st)
		}
		b.signOut(t)
		b.open(t, con+"/")
		b.waitFor(t, "the sign-in page", `location.pathname === "/oidc/authorize"`, 10*time.Second)
	})

	if p := b.takeProblems(); len(p) > 0 {
		t.Errorf("the pages logged errors (script errors, CSP violations): %q", p)
	}
}

// startStack starts the stack with the two organisations and a one-hour
// hold, relative to now.
func startStack(t *testing.T) *devstack.Stack {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Second)
	many := synth.Tiny(31)
	many.Now = now
	solo := synth.Tiny(32)
	solo.Now, solo.Domain, solo.Users, solo.Groups, solo.SharedDrives, solo.Resources, solo.ChatSpaces, solo.Courses = now, "solo.example", 1, 1, 1, 1, 1, 1
	orgA, err := synth.New(many)
	if err != nil {
		t.Fatal(err)
	}
	orgB, err := synth.New(solo)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	s, err := devstack.Start(ctx, devstack.Options{Dir: t.TempDir(), Org: orgA, Orgs: []*synth.Org{orgB}, Hold: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// signIn signs in on the Workspace emulator's page as email, as a person
// does, and returns how long it took from choosing the account to the page
// the console then shows.
func (b *browser) signIn(t *testing.T, console, email string) time.Duration {
	t.Helper()
	b.do(t, "sign out of the browser", chromedp.Navigate("about:blank"))
	if _, err := chromedp.Call(b.ctx, network.ClearBrowserCookies, struct{}{}); err != nil {
		t.Fatal(err)
	}
	b.open(t, console+"/")
	b.waitFor(t, "the sign-in page", `location.pathname === "/oidc/authorize"`, 10*time.Second)
	t0 := time.Now()
	b.do(t, "choose "+email, chromedp.Click(chromedp.CSS(`button[value="`+email+`"]`)))
	b.waitFor(t, "the console", `location.pathname.startsWith("/console") && document.querySelector("main h1")`, 20*time.Second)
	return time.Since(t0)
}

func (b *browser) signOut(t *testing.T) {
	t.Helper()
	b.do(t, "sign out", chromedp.Click(chromedp.CSS(".signout button")))
	b.waitFor(t, "signed out", `document.querySelector("h1").innerText === "You are signed out"`, 10*time.Second)
}

type response struct {
	*http.Response
	body string
}

// fetchWithSession GETs u with the browser's cookies, to read headers.
func (b *browser) fetchWithSession(t *testing.T, u string) response {
	t.Helper()
	res, err := chromedp.Call(b.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{u}})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	for _, c := range res.Cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return response{resp, string(body)}
}

// resetCooldown calls the Support function as support staff (R14a).
func resetCooldown(t *testing.T, s *devstack.Stack, domain string) {
	t.Helper()
	ten, ok := s.Workspace.Tenant(domain)
	if !ok {
		t.Fatalf("no organisation %s", domain)
	}
	tok, err := s.Workspace.MintIDToken(devstack.SupportStaff, devstack.AdminAudience)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, s.URLs["Support"]+"/organisations/"+ten.Org().Customer().ID+":resetCooldown",
		strings.NewReader(`{"ticket":"T-1"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("reset cool-down: %s %s", resp.Status, body)
	}
}

// measures are the figures the issue asks for, logged at the end and,
// with CONSOLE_MEASURES=file, written there.
type measures struct{ lines []string }

func (m *measures) add(what string, d time.Duration) {
	m.lines = append(m.lines, fmt.Sprintf("%-40s %s", what, d.Round(time.Millisecond)))
}

// weigh loads u afresh and counts what the page loads in its first
// second (its scripts' first requests included).
func (m *measures) weigh(t *testing.T, b *browser, page, u string) {
	t.Helper()
	b.resetWeight()
	b.open(t, u)
	time.Sleep(time.Second)
	m.weight(page, b)
}

func (m *measures) weight(page string, b *browser) {
	n, reqs := b.weight()
	m.lines = append(m.lines, fmt.Sprintf("%-40s %d bytes in %d requests", "page weight: "+page, n, reqs))
}

func (m *measures) report(t *testing.T) {
	out := strings.Join(m.lines, "\n")
	t.Logf("measured:\n%s", out)
	if f := os.Getenv("CONSOLE_MEASURES"); f != "" {
		_ = os.WriteFile(filepath.Clean(f), []byte(out+"\n"), 0o644)
	}
}
