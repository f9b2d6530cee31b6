package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/orgexport/orgexport/emulators/devstack"
)

// sample is one start request as the client saw it.
type sample struct {
	code    int
	latency time.Duration
}

// driver sends the admins' requests to StartExport.
type driver struct {
	url    string
	token  string
	admins int
	client *http.Client
}

func newDriver(s *devstack.Stack, admin string, admins int) (*driver, error) {
	tok, err := s.AdminToken(admin)
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = admins, admins
	return &driver{url: s.URLs["StartExport"], token: tok, admins: admins,
		client: &http.Client{Transport: tr, Timeout: 2 * time.Minute}}, nil
}

// call sends one request and decodes a JSON answer into v (may be nil).
func (d *driver) call(ctx context.Context, method, path string, v any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, method, d.url+path, strings.NewReader("{}"))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+d.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: %d: %s", method, path, resp.StatusCode, body)
		}
	}
	return resp.StatusCode, nil
}

// warmUp makes the function build its clients before anything is timed.
func (d *driver) warmUp(ctx context.Context) error {
	code, err := d.call(ctx, http.MethodGet, "/exports", nil)
	if err == nil && code != http.StatusOK {
		err = fmt.Errorf("warm-up: GET /exports answered %d", code)
	}
	return err
}

// answer is what the driver reads of a start's answer.
type answer struct {
	ID    string `json:"id"`
	Error struct {
		Details []struct {
			ExportID string `json:"export_id"`
		} `json:"details"`
	} `json:"error"`
}

// round releases every admin at once, checks R2 and cancels the winner.
func (d *driver) round(ctx context.Context) ([]sample, error) {
	out := make([]sample, d.admins)
	answers := make([]answer, d.admins)
	errs := make([]error, d.admins)
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for i := range d.admins {
		wg.Go(func() {
			<-gate
			t := time.Now()
			code, err := d.call(ctx, http.MethodPost, "/exports", &answers[i])
			out[i], errs[i] = sample{code: code, latency: time.Since(t)}, err
		})
	}
	close(gate)
	wg.Wait()
	winner, err := check(out, answers, errs)
	if err != nil {
		return out, err
	}
	var v answer
	if code, err := d.call(ctx, http.MethodPost, "/exports/"+winner+":cancel", &v); err != nil || code != http.StatusOK {
		return out, fmt.Errorf("cancel %s: %d %v", winner, code, err)
	}
	return out, nil
}

// check wants one 202 and every other answer a 409 naming it (R2).
func check(out []sample, answers []answer, errs []error) (string, error) {
	winner := ""
	for i, s := range out {
		if errs[i] != nil {
			return "", errs[i]
		}
		if s.code == http.StatusAccepted {
			if winner != "" {
				return "", fmt.Errorf("two exports accepted: %s and %s", winner, answers[i].ID)
			}
			winner = answers[i].ID
		}
	}
	if winner == "" {
		return "", fmt.Errorf("no start accepted")
	}
	for i, s := range out {
		if s.code == http.StatusAccepted {
			continue
		}
		if d := answers[i].Error.Details; s.code != http.StatusConflict || len(d) == 0 || d[0].ExportID != winner {
			return "", fmt.Errorf("a refused start answered %d without naming %s", s.code, winner)
		}
	}
	return winner, nil
}
