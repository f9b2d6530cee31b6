package gcloud

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// EnvFirestore is the variable the Firestore client reads.
const EnvFirestore = "FIRESTORE_EMULATOR_HOST"

var firestoreKind = kind{
	name:      "firestore",
	component: firestoreComponent,
	envVar:    EnvFirestore,
	args: func(t toolchain, port int) []string {
		return []string{"-Duser.language=en", "-cp", t.jar,
			"com.google.cloud.datastore.emulator.firestore.CloudFirestore", "start",
			"--host=127.0.0.1", "--port=" + strconv.Itoa(port), "--database-mode=firestore-native"}
	},
	ready: firestoreReady,
	reset: firestoreReset,
}

// StartFirestore runs the Firestore emulator (native mode) and returns once
// it answers.
func StartFirestore(ctx context.Context, o Options) (*Emulator, error) {
	return start(ctx, firestoreKind, o)
}

// AttachFirestore returns a handle on a Firestore emulator already running
// at host (for example one from FIRESTORE_EMULATOR_HOST). Stop leaves it
// running.
func AttachFirestore(host, project string) *Emulator { return attach(firestoreKind, host, project) }

// firestoreReady: the emulator answers GET / with "Ok".
func firestoreReady(ctx context.Context, c *http.Client, host string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+host+"/", nil)
	if err != nil {
		return false
	}
	resp, err := c.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64))
	return resp.StatusCode == http.StatusOK && strings.TrimSpace(string(body)) == "Ok"
}

// firestoreReset deletes every document of the project's default database.
func firestoreReset(ctx context.Context, c *http.Client, host, project string) error {
	url := fmt.Sprintf("http://%s/emulator/v1/projects/%s/databases/(default)/documents", host, project)
	return do(ctx, c, http.MethodDelete, url, nil)
}

// do sends a request and fails on any status but 200; into, if set,
// receives the JSON body.
func do(ctx context.Context, c *http.Client, method, url string, into func(io.Reader) error) error {
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("%s %s: %s: %s", method, url, resp.Status, strings.TrimSpace(string(body)))
	}
	if into != nil {
		return into(resp.Body)
	}
	return nil
}
