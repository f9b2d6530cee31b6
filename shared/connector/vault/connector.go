package vault

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	admin "google.golang.org/api/admin/directory/v1"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/storage/v1"
	"google.golang.org/api/vault/v1"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

// Clients makes the clients the connector uses, acting as an administrator.
type Clients interface {
	Vault(ctx context.Context, subject string) (*vault.Service, error)
	Storage(ctx context.Context, subject string) (*storage.Service, error)
	Directory(ctx context.Context, subject string) (*admin.Service, error)
}

// Kind and AccountID name the organisation's one Vault account.
const (
	Kind      = "vault"
	AccountID = "vault"
)

// Options tune the connector. The zero value means the defaults.
type Options struct {
	// Poll is how long to wait between looks at Vault's exports (default
	// 30 s; Vault exports take minutes to hours).
	Poll time.Duration
	// GroupsPerExport is how many groups one Vault export of group
	// conversations covers (default 500).
	GroupsPerExport int
	// Now stamps the JSON files (default time.Now).
	Now func() time.Time
}

// Connector exports Vault-retained data.
type Connector struct {
	clients Clients
	opts    Options
}

var _ connector.Connector = (*Connector)(nil)

// New returns a Vault connector.
func New(clients Clients, opts Options) *Connector {
	if opts.Poll <= 0 {
		opts.Poll = 30 * time.Second
	}
	if opts.GroupsPerExport <= 0 {
		opts.GroupsPerExport = 500
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Connector{clients: clients, opts: opts}
}

// Product implements connector.Connector.
func (c *Connector) Product() export.Product { return export.Vault }

// Handles implements connector.Connector: the organisation's Vault account.
func (c *Connector) Handles(a connector.Account) bool {
	return a.Type == export.Customer && a.Kind == Kind
}

// Stages of the export, in order; the cursor names the next one.
const (
	stageMatters = ""
	stageCreate  = "create"
	stageWait    = "wait"
	stageCopy    = "copy"
	stageDone    = "done"
)

// cursor is where a Vault export resumes, as JSON.
type cursor struct {
	Stage  string `json:"s,omitempty"`
	Matter string `json:"m,omitempty"`
	// File counts the files already copied, in the order of files().
	File int `json:"f,omitempty"`
	// Broken names the Vault exports with a file that did not arrive whole.
	Broken []string `json:"b,omitempty"`
}

func parseCursor(s string) (cursor, error) {
	var c cursor
	if s == "" {
		return c, nil
	}
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return c, fmt.Errorf("vault: bad cursor %q", s)
	}
	return c, nil
}

func (c cursor) String() string {
	b, _ := json.Marshal(c)
	return string(b)
}

// Export implements connector.Connector.
func (c *Connector) Export(ctx context.Context, a connector.Account, cur string, e connector.Emitter) error {
	st, err := parseCursor(cur)
	if err != nil {
		return err
	}
	if a.ExportID == "" {
		return errors.New("vault: the account has no export id to name the matter after")
	}
	svc, err := c.clients.Vault(ctx, a.Subject)
	if err != nil {
		return err
	}
	r := &run{c: c, a: a, svc: svc, e: e, st: st}
	for {
		var err error
		switch r.st.Stage {
		case stageMatters:
			err = r.matters(ctx)
		case stageCreate:
			err = r.create(ctx)
		case stageWait:
			err = r.wait(ctx)
		case stageCopy:
			err = r.copyAll(ctx)
		case stageDone:
			return nil
		default:
			return fmt.Errorf("vault: bad cursor stage %q", r.st.Stage)
		}
		if err != nil {
			return r.explain(err)
		}
	}
}

// run is one call of Export.
type run struct {
	c   *Connector
	a   connector.Account
	svc *vault.Service
	e   connector.Emitter
	st  cursor
}

// next moves to stage and checkpoints there.
func (r *run) next(ctx context.Context, st cursor) error {
	r.st = st
	return r.e.Checkpoint(ctx, st.String())
}

// explain turns Vault's refusals into the reason the product is
// unsupported (R7b): no licence, no privilege, or no delegated scope.
func (r *run) explain(err error) error {
	if errors.Is(err, connector.ErrCut) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var ge *googleapi.Error
	if errors.As(err, &ge) && ge.Code == http.StatusForbidden && r.st.Stage == stageMatters {
		return fmt.Errorf("%w: Google Vault refused %s (%s). Vault needs a Vault licence (Enterprise, Education or Vault add-on) and an administrator with the Vault privileges Manage matters, Manage exports and View all matters; group conversations are exported through Vault and are missing too",
			connector.ErrUnsupported, r.a.Subject, ge.Message)
	}
	if s := err.Error(); strings.Contains(s, "unauthorized_client") || strings.Contains(s, "access_denied") {
		return fmt.Errorf("%w: the service account is not allowed the Vault scopes (https://www.googleapis.com/auth/ediscovery and devstorage.read_only) in the Admin console's domain-wide delegation: %v",
			connector.ErrUnsupported, err)
	}
	return err
}

var _ connector.Discarder = (*Connector)(nil)

// Discard implements connector.Discarder: the export's matter, if there is
// one, is closed and deleted, which deletes Vault's copies of its exports.
// An organisation without Vault has nothing to discard.
func (c *Connector) Discard(ctx context.Context, a connector.Account) error {
	if a.ExportID == "" {
		return nil
	}
	svc, err := c.clients.Vault(ctx, a.Subject)
	if err != nil {
		return err
	}
	r := &run{c: c, a: a, svc: svc}
	m, err := r.find(ctx)
	var ge *googleapi.Error
	if errors.As(err, &ge) && ge.Code == http.StatusForbidden {
		return nil
	}
	if err != nil || m == nil {
		return err
	}
	r.st.Matter = m.MatterId
	return r.discard(ctx)
}

// matterName is the matter made for an export, found again by name.
func matterName(exportID string) string { return "orgexport " + exportID }

// matters writes Vault/matters.json: the organisation's own matters (not
// orgexport's) and their holds.
func (r *run) matters(ctx context.Context) error {
	var out []Matter
	token := ""
	for {
		page, err := r.svc.Matters.List().PageSize(100).PageToken(token).View("FULL").Context(ctx).Do()
		if err != nil {
			return err
		}
		for _, m := range page.Matters {
			if strings.HasPrefix(m.Name, "orgexport ") {
				continue
			}
			holds, err := r.holds(ctx, m.MatterId)
			if err != nil {
				return fmt.Errorf("holds of matter %s: %w", m.MatterId, err)
			}
			out = append(out, Matter{ID: m.MatterId, Name: m.Name, Description: m.Description, State: m.State, Holds: holds})
		}
		if token = page.NextPageToken; token == "" {
			break
		}
	}
	if out == nil {
		out = []Matter{}
	}
	if err := connector.WriteJSON(r.e, "Vault/matters.json", r.c.opts.Now(), out); err != nil {
		return err
	}
	return r.next(ctx, cursor{Stage: stageCreate})
}

func (r *run) holds(ctx context.Context, matter string) ([]Hold, error) {
	out := []Hold{}
	token := ""
	for {
		page, err := r.svc.Matters.Holds.List(matter).PageSize(100).PageToken(token).View("FULL_HOLD").Context(ctx).Do()
		if err != nil {
			return nil, err
		}
		for _, h := range page.Holds {
			hold := Hold{ID: h.HoldId, Name: h.Name, Corpus: h.Corpus, Updated: h.UpdateTime, Accounts: []HeldAccount{}}
			for _, ac := range h.Accounts {
				hold.Accounts = append(hold.Accounts, HeldAccount{ID: ac.AccountId, Email: ac.Email, Since: ac.HoldTime})
			}
			if h.OrgUnit != nil {
				hold.OrgUnit = h.OrgUnit.OrgUnitId
			}
			out = append(out, hold)
		}
		if token = page.NextPageToken; token == "" {
			return out, nil
		}
	}
}

// create finds or makes the export's matter and its Vault exports.
func (r *run) create(ctx context.Context) error {
	m, err := r.matter(ctx)
	if err != nil {
		return err
	}
	want, err := r.plan(ctx)
	if err != nil {
		return err
	}
	have, err := listExports(ctx, r.svc, m.MatterId)
	if err != nil {
		return fmt.Errorf("exports of matter %s: %w", m.MatterId, err)
	}
	made := map[string]bool{}
	for _, x := range have {
		made[x.Name] = true
	}
	for _, x := range want {
		if made[x.Name] {
			continue
		}
		for {
			_, err := r.svc.Matters.Exports.Create(m.MatterId, x).Context(ctx).Do()
			if err == nil || !busy(err) {
				if err != nil {
					return fmt.Errorf("create Vault export %q: %w", x.Name, err)
				}
				break
			}
			// 20 exports already run in the organisation: wait for one.
			if err := r.sleep(ctx, cursor{Stage: stageCreate}); err != nil {
				return err
			}
		}
	}
	return r.next(ctx, cursor{Stage: stageWait, Matter: m.MatterId})
}

// busy reports whether Vault refused an export because too many run.
func busy(err error) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && ge.Code == http.StatusTooManyRequests
}

// matter finds the export's open matter by name, or creates it.
func (r *run) matter(ctx context.Context) (*vault.Matter, error) {
	m, err := r.findIn(ctx, "OPEN")
	if err != nil || m != nil {
		return m, err
	}
	return r.svc.Matters.Create(&vault.Matter{Name: matterName(r.a.ExportID),
		Description: "Made by orgexport for the organisation's data export " + r.a.ExportID +
			"; orgexport closes and deletes it when it has copied the export's files."}).Context(ctx).Do()
}

// find finds the export's matter, open or closed; nil if there is none.
func (r *run) find(ctx context.Context) (*vault.Matter, error) {
	m, err := r.findIn(ctx, "OPEN")
	if err != nil || m != nil {
		return m, err
	}
	return r.findIn(ctx, "CLOSED")
}

func (r *run) findIn(ctx context.Context, state string) (*vault.Matter, error) {
	name := matterName(r.a.ExportID)
	token := ""
	for {
		page, err := r.svc.Matters.List().State(state).PageSize(100).PageToken(token).Context(ctx).Do()
		if err != nil {
			return nil, err
		}
		for _, m := range page.Matters {
			if m.Name == name {
				return m, nil
			}
		}
		if token = page.NextPageToken; token == "" {
			return nil, nil
		}
	}
}

// wait polls the matter's exports until none is in progress.
func (r *run) wait(ctx context.Context) error {
	for {
		xs, err := listExports(ctx, r.svc, r.st.Matter)
		if err != nil {
			return fmt.Errorf("exports of matter %s: %w", r.st.Matter, err)
		}
		running := 0
		for _, x := range xs {
			if x.Status == "IN_PROGRESS" || x.Status == "" {
				running++
			}
		}
		if running == 0 {
			return r.finishWait(ctx, xs)
		}
		if err := r.sleep(ctx, r.st); err != nil {
			return err
		}
	}
}

// finishWait reports the exports Vault could not make and writes
// Vault/exports.json, once, before any file is copied.
func (r *run) finishWait(ctx context.Context, xs []*vault.Export) error {
	for _, x := range xs {
		if x.Status != "COMPLETED" {
			r.e.Fail(connector.Failure{Product: export.Vault, ItemID: "Vault export " + x.Name,
				Reason: fmt.Sprintf("Google Vault ended the export of %s with status %s; its data is not in the archive", corpusLabel(x), x.Status)})
		}
	}
	if err := connector.WriteJSON(r.e, "Vault/exports.json", r.c.opts.Now(), summarise(xs)); err != nil {
		return err
	}
	return r.next(ctx, cursor{Stage: stageCopy, Matter: r.st.Matter})
}

// sleep waits one poll interval, then checkpoints at st: a wait that
// outlasts the invocation is cut there and goes on in the next part.
func (r *run) sleep(ctx context.Context, st cursor) error {
	t := time.NewTimer(r.c.opts.Poll)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
	}
	return r.next(ctx, st)
}

// copyAll copies the files of the completed exports from where the cursor
// says, then closes and deletes the matter.
func (r *run) copyAll(ctx context.Context) error {
	xs, err := listExports(ctx, r.svc, r.st.Matter)
	if err != nil {
		return fmt.Errorf("exports of matter %s: %w", r.st.Matter, err)
	}
	files := files(xs)
	if r.st.File > len(files) {
		return fmt.Errorf("vault: cursor at file %d of %d", r.st.File, len(files))
	}
	st, err := r.c.clients.Storage(ctx, r.a.Subject)
	if err != nil {
		return err
	}
	cp := &copier{st: st, e: r.e, broken: r.st.Broken}
	for i := r.st.File; i < len(files); i++ {
		if err := cp.copy(ctx, files[i]); err != nil {
			return err
		}
		if err := r.next(ctx, cursor{Stage: stageCopy, Matter: r.st.Matter, File: i + 1, Broken: cp.broken}); err != nil {
			return err
		}
	}
	if err := r.discard(ctx); err != nil {
		return err
	}
	return r.next(ctx, cursor{Stage: stageDone})
}

// discard closes and deletes the matter, which deletes Vault's copies of
// the exports: the archive is now the one copy (R12 then applies to it).
func (r *run) discard(ctx context.Context) error {
	m, err := r.svc.Matters.Get(r.st.Matter).Context(ctx).Do()
	if err != nil {
		return fmt.Errorf("matter %s: %w", r.st.Matter, err)
	}
	if m.State == "OPEN" {
		if _, err := r.svc.Matters.Close(r.st.Matter, &vault.CloseMatterRequest{}).Context(ctx).Do(); err != nil {
			return fmt.Errorf("close matter %s: %w", r.st.Matter, err)
		}
	}
	if m.State != "DELETED" {
		if _, err := r.svc.Matters.Delete(r.st.Matter).Context(ctx).Do(); err != nil {
			return fmt.Errorf("delete matter %s: %w", r.st.Matter, err)
		}
	}
	return nil
}

func listExports(ctx context.Context, svc *vault.Service, matter string) ([]*vault.Export, error) {
	var out []*vault.Export
	token := ""
	for {
		page, err := svc.Matters.Exports.List(matter).PageSize(100).PageToken(token).Context(ctx).Do()
		if err != nil {
			return nil, err
		}
		out = append(out, page.Exports...)
		if token = page.NextPageToken; token == "" {
			return out, nil
		}
	}
}

// Schema is the JSON Schema of the files: #/$defs/matters and
// #/$defs/exports.
//
//go:embed vault.schema.json
var Schema []byte
