package cloudtasks_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	pb "cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"google.golang.org/grpc/codes"

	"github.com/orgexport/orgexport/emulators/cloudtasks"
)

// A task reaches its URL with its method, body and headers, the
// X-CloudTasks headers and an OIDC token that verifies against the
// emulator's issuer; then it is gone and its name cannot be reused.
func TestDispatchCarriesTaskAndVerifiableToken(t *testing.T) {
	e := start(t, cloudtasks.Options{})
	q := e.queue(t, "export-control", nil)
	name := q + "/tasks/begin-exp1"
	task := e.httpTask(name, `{"export":"exp1"}`)
	task.GetHttpRequest().Headers["X-Trace"] = "abc"
	task.GetHttpRequest().Headers["User-Agent"] = "spoofed"
	created := e.create(t, q, task)
	if created.Name != name || created.DispatchDeadline.AsDuration() != 10*time.Minute {
		t.Errorf("created %s with deadline %v, want %s and 10m", created.Name, created.DispatchDeadline.AsDuration(), name)
	}

	d := e.target.next(t)
	if d.Method != http.MethodPost || d.Path != "/work" || d.Body != `{"export":"exp1"}` {
		t.Errorf("got %s %s %q", d.Method, d.Path, d.Body)
	}
	wantHeaders := map[string]string{
		"Content-Type":                    "application/json",
		"X-Trace":                         "abc",
		"User-Agent":                      "Google-Cloud-Tasks",
		"X-Cloudtasks-Queuename":          "export-control",
		"X-Cloudtasks-Taskname":           "begin-exp1",
		"X-Cloudtasks-Taskretrycount":     "0",
		"X-Cloudtasks-Taskexecutioncount": "0",
	}
	for k, v := range wantHeaders {
		if got := d.Header.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	eta, err := strconv.ParseFloat(d.Header.Get("X-CloudTasks-TaskETA"), 64)
	if err != nil || eta != float64(created.ScheduleTime.AsTime().UnixMicro())/1e6 {
		t.Errorf("ETA %q, want schedule time %v", d.Header.Get("X-CloudTasks-TaskETA"), created.ScheduleTime.AsTime())
	}
	if d.TokenErr != nil {
		t.Fatalf("token does not verify: %v", d.TokenErr)
	}
	if d.Claims.Email != invoker || d.Claims.Sub != invoker || d.Claims.Aud != e.target.srv.URL+"/work" {
		t.Errorf("claims %+v: want email and sub %s, audience the task URL", d.Claims, invoker)
	}

	e.gone(t, name)
	_, err = e.client.CreateTask(context.Background(), &pb.CreateTaskRequest{Parent: q, Task: e.httpTask(name, "again")})
	wantCode(t, err, codes.AlreadyExists, "re-create a task that ran")
}

// The token's audience is oidc_token.audience when set; a task without
// oidc_token is sent without Authorization.
func TestTokenAudienceAndNoToken(t *testing.T) {
	e := start(t, cloudtasks.Options{})
	q := e.queue(t, "q", nil)
	withAud := e.httpTask("", "")
	withAud.GetHttpRequest().GetOidcToken().Audience = "https://export.example.com"
	e.create(t, q, withAud)
	d := e.target.next(t)
	if d.TokenErr != nil || d.Claims.Aud != "https://export.example.com" {
		t.Errorf("audience %v (%v), want the configured one", d.Claims.Aud, d.TokenErr)
	}

	bare := e.httpTask("", "")
	bare.GetHttpRequest().AuthorizationHeader = nil
	e.create(t, q, bare)
	if d := e.target.next(t); d.Header.Get("Authorization") != "" {
		t.Errorf("Authorization %q on a task without oidc_token", d.Header.Get("Authorization"))
	}
}

// A task created without a name gets one in its queue, and its id is
// the X-CloudTasks-TaskName.
func TestGeneratedTaskName(t *testing.T) {
	e := start(t, cloudtasks.Options{})
	q := e.queue(t, "q", nil)
	a := e.create(t, q, e.httpTask("", "a"))
	b := e.create(t, q, e.httpTask("", "b"))
	if a.Name == b.Name || len(a.Name) <= len(q+"/tasks/") || a.Name[:len(q+"/tasks/")] != q+"/tasks/" {
		t.Fatalf("generated names %q, %q", a.Name, b.Name)
	}
	seen := map[string]bool{}
	for range 2 {
		seen[q+"/tasks/"+e.target.next(t).Header.Get("X-CloudTasks-TaskName")] = true
	}
	if !seen[a.Name] || !seen[b.Name] {
		t.Errorf("dispatched %v, want %s and %s", seen, a.Name, b.Name)
	}
}

// A task is held until its schedule_time, and its ETA header carries it.
func TestScheduleTimeHonoured(t *testing.T) {
	e := startClocked(t, cloudtasks.Options{})
	q := e.queue(t, "q", nil)
	task := e.httpTask(q+"/tasks/later", "")
	at := e.clock.Now().Add(2 * time.Hour)
	task.ScheduleTime = timestamp(at)
	e.create(t, q, task)
	e.advance(time.Hour + 59*time.Minute)
	e.target.none(t, 200*time.Millisecond)
	e.advance(time.Minute)
	d := e.target.next(t)
	if got := d.Header.Get("X-CloudTasks-TaskETA"); got != fmt.Sprintf("%d.000000", at.Unix()) {
		t.Errorf("ETA %s, want %d", got, at.Unix())
	}
}

// GET /tasks lists the waiting tasks as JSON.
func TestDebugListing(t *testing.T) {
	e := startClocked(t, cloudtasks.Options{})
	q := e.queue(t, "q", nil)
	task := e.httpTask(q+"/tasks/waiting", "")
	task.ScheduleTime = timestamp(e.clock.Now().Add(time.Hour))
	e.create(t, q, task)
	resp, err := http.Get("http://" + e.srv.HTTPAddr() + "/tasks")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got []struct {
		Name string `json:"name"`
		URL  string `json:"url"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != q+"/tasks/waiting" || got[0].URL != e.target.srv.URL+"/work" {
		t.Errorf("listing %+v", got)
	}
}
