package iamrecord

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"sync"
)

// Op is one permission exercised on one resource.
type Op struct {
	Permission string `json:"permission"`
	// Resource names what it was exercised on: a bucket, a queue, a topic,
	// a service account's email, or a Firestore database.
	Resource string `json:"resource"`
}

// Recorder collects the operations of every principal.
type Recorder struct {
	mu  sync.Mutex
	ops map[string]map[Op]bool
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder { return &Recorder{ops: map[string]map[Op]bool{}} }

// Add records ops of principal.
func (r *Recorder) Add(principal string, ops ...Op) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ops[principal] == nil {
		r.ops[principal] = map[Op]bool{}
	}
	for _, o := range ops {
		r.ops[principal][o] = true
	}
}

// Operations returns each principal's operations, sorted.
func (r *Recorder) Operations() map[string][]Op {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string][]Op{}
	for p, set := range r.ops {
		for o := range set {
			out[p] = append(out[p], o)
		}
		slices.SortFunc(out[p], func(a, b Op) int {
			return strings.Compare(a.Resource+" "+a.Permission, b.Resource+" "+b.Permission)
		})
	}
	return out
}

// WriteFile writes the operations as indented JSON.
func (r *Recorder) WriteFile(path string) error {
	b, err := json.MarshalIndent(r.Operations(), "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// ReadFile reads what WriteFile wrote.
func ReadFile(path string) (map[string][]Op, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out map[string][]Op
	return out, json.Unmarshal(b, &out)
}
