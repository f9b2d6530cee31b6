package vault

import (
	"context"
	_ "embed"
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

var (
	_ connector.Connector = (*Connector)(nil)
	_ connector.Whole     = (*Connector)(nil)
)

// Whole implements connector.Whole: Vault is retried whole (R16).
func (c *Connector) Whole() string {
	return "Vault exports are made whole, one per corpus and batch of accounts, by a search over the organisation; " +
		"Vault cannot export again one message or file of such an export, and its failures name exports, not items. " +
		"A retry runs the Vault account again whole, in a matter named after the retry, with the original's cut-off."
}

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
	// docs are the metadata documents of unpacked exports read in this
	// part, by export name and then by name in the zip.
	docs map[string]map[string]document
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

// Schema is the JSON Schema of the files: #/$defs/matters and
// #/$defs/exports.
//
//go:embed vault.schema.json
var Schema []byte
