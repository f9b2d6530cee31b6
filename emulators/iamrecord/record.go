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

// Recorder collects the operations of every principal, and counts them:
// how often each permission was exercised, and the calls and documents
// that Google bills by (Firestore transactions, documents read, …), so a
// load run can report what an export costs per account.
type Recorder struct {
	mu     sync.Mutex
	ops    map[string]map[Op]bool
	counts map[string]map[string]int64
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder {
	return &Recorder{ops: map[string]map[Op]bool{}, counts: map[string]map[string]int64{}}
}

// Add records ops of principal; each op also counts once under its
// permission.
func (r *Recorder) Add(principal string, ops ...Op) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ops[principal] == nil {
		r.ops[principal] = map[Op]bool{}
	}
	for _, o := range ops {
		r.ops[principal][o] = true
		r.countLocked(principal, o.Permission, 1)
	}
}

// Count adds n to principal's counter name (a metric that is not a
// permission, such as "firestore.documentsRead").
func (r *Recorder) Count(principal, name string, n int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.countLocked(principal, name, n)
}

func (r *Recorder) countLocked(principal, name string, n int64) {
	if r.counts[principal] == nil {
		r.counts[principal] = map[string]int64{}
	}
	r.counts[principal][name] += n
}

// Counts returns a copy of every principal's counters.
func (r *Recorder) Counts() map[string]map[string]int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]map[string]int64, len(r.counts))
	for p, c := range r.counts {
		out[p] = make(map[string]int64, len(c))
		for k, v := range c {
			out[p][k] = v
		}
	}
	return out
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
