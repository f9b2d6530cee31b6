package gcloud

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// EnvPubSub is the variable the Pub/Sub client reads.
const EnvPubSub = "PUBSUB_EMULATOR_HOST"

var pubsubKind = kind{
	name:      "pubsub",
	component: pubsubComponent,
	envVar:    EnvPubSub,
	args: func(t toolchain, port int) []string {
		return []string{"-jar", t.jar, "--host=127.0.0.1", "--port=" + strconv.Itoa(port)}
	},
	ready: pubsubReady,
	reset: pubsubReset,
}

// StartPubSub runs the Pub/Sub emulator and returns once its REST surface
// answers.
func StartPubSub(ctx context.Context, o Options) (*Emulator, error) {
	return start(ctx, pubsubKind, o)
}

// AttachPubSub returns a handle on a Pub/Sub emulator already running at
// host (for example one from PUBSUB_EMULATOR_HOST). Stop leaves it running.
func AttachPubSub(host, project string) *Emulator { return attach(pubsubKind, host, project) }

// pubsubReady: listing a project's topics succeeds.
func pubsubReady(ctx context.Context, c *http.Client, host string) bool {
	return do(ctx, c, http.MethodGet, "http://"+host+"/v1/projects/"+DefaultProject+"/topics", nil) == nil
}

// pubsubReset deletes every subscription, then every topic, of the project.
// The emulator has no reset of its own.
func pubsubReset(ctx context.Context, c *http.Client, host, project string) error {
	for _, coll := range []string{"subscriptions", "topics"} {
		names, err := pubsubList(ctx, c, host, project, coll)
		if err != nil {
			return err
		}
		for _, n := range names {
			if err := do(ctx, c, http.MethodDelete, "http://"+host+"/v1/"+n, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// pubsubList returns the full names in one collection of a project.
func pubsubList(ctx context.Context, c *http.Client, host, project, coll string) ([]string, error) {
	var names []string
	token := ""
	for {
		u := fmt.Sprintf("http://%s/v1/projects/%s/%s?pageSize=1000&pageToken=%s", host, project, coll, url.QueryEscape(token))
		var page struct {
			Topics        []struct{ Name string } `json:"topics"`
			Subscriptions []struct{ Name string } `json:"subscriptions"`
			NextPageToken string                  `json:"nextPageToken"`
		}
		err := do(ctx, c, http.MethodGet, u, func(r io.Reader) error { return json.NewDecoder(r).Decode(&page) })
		if err != nil {
			return nil, err
		}
		for _, t := range append(page.Topics, page.Subscriptions...) {
			names = append(names, t.Name)
		}
		if page.NextPageToken == "" {
			return names, nil
		}
		token = page.NextPageToken
	}
}
