package pubsubpush_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"
	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/orgexport/orgexport/emulators/pubsubpush"
	"github.com/orgexport/orgexport/emulators/testenv"
)

const functionEnv = "PUBSUBPUSH_TEST_FUNCTION_PORT"

// serveFunction runs in a child process: a CloudEvent function under
// functions-framework-go that prints each event it receives as one line.
func serveFunction() int {
	ctx := context.Background()
	err := funcframework.RegisterCloudEventFunctionContext(ctx, "/", func(_ context.Context, e event.Event) error {
		b, _ := json.Marshal(e)
		fmt.Println(string(b))
		return nil
	})
	if err == nil {
		err = funcframework.StartHostPort("127.0.0.1", os.Getenv(functionEnv))
	}
	fmt.Fprintln(os.Stderr, err)
	return 1
}

// A function served by functions-framework-go receives the forwarded push
// as a Pub/Sub CloudEvent naming the topic, as it does behind real push.
func TestFunctionsFrameworkGetsCloudEvent(t *testing.T) {
	port := freePort(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), functionEnv+"="+port)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitListening(t, "127.0.0.1:"+port)

	r := newRig(t, newEndpoint(204), func(env *testenv.Env, rt *pubsubpush.Route, _ *pubsubpush.Options) {
		rt.Endpoint = "http://127.0.0.1:" + port + "/projects/" + env.Project + "/topics/" + rt.Topic
	})
	id := r.publish(t, "hello function", map[string]string{"k": "v"})
	lines := make(chan string, 1)
	go func() { // the first line that is JSON: the framework prints a banner
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "{") {
				lines <- sc.Text()
				return
			}
		}
	}()
	var ev struct {
		Type, Source, ID string
		Data             struct {
			Message struct {
				Data       []byte
				Attributes map[string]string
			}
			Subscription string
		}
	}
	select {
	case l := <-lines:
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("event %q: %v", l, err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("function received nothing")
	}
	wantSource := "//pubsub.googleapis.com/projects/" + r.env.Project + "/topics/" + r.route.Topic
	if ev.Type != "google.cloud.pubsub.topic.v1.messagePublished" || ev.Source != wantSource || ev.ID != id ||
		string(ev.Data.Message.Data) != "hello function" || ev.Data.Message.Attributes["k"] != "v" {
		t.Fatalf("event %+v", ev)
	}
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

func waitListening(t *testing.T, addr string) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("function never listened on %s", addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
