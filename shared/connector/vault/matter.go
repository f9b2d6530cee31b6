package vault

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"google.golang.org/api/googleapi"
	"google.golang.org/api/vault/v1"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/pacer"
)

// matterName is the matter made for an export, found again by name.
func matterName(exportID string) string { return "orgexport " + exportID }

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
			err := once(ctx, r.exportExists(m.MatterId, x.Name), func(ctx context.Context) error {
				_, err := r.svc.Matters.Exports.Create(m.MatterId, x).Context(ctx).Do()
				return err
			})
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
	opened := func(ctx context.Context) (bool, error) {
		m, err := r.findIn(ctx, "OPEN")
		return m != nil, err
	}
	err = once(ctx, opened, func(ctx context.Context) error {
		m, err = r.svc.Matters.Create(&vault.Matter{Name: matterName(r.a.ExportID),
			Description: "Made by orgexport for the organisation's data export " + r.a.ExportID +
				"; orgexport closes and deletes it when it has copied the export's files."}).Context(ctx).Do()
		return err
	})
	if err == nil && m == nil { // made, though its answer was lost
		m, err = r.findIn(ctx, "OPEN")
	}
	return m, err
}

// once makes a Vault call that is not idempotent take effect once: the
// pacer sends it again after a lost answer only while applied says it did
// not take effect, and when the call fails — its answer lost, or Vault
// refusing a repeat because the first one took effect ("must be closed
// before it is deleted") — applied, reading the resource's state, decides:
// done is success.
func once(ctx context.Context, applied func(context.Context) (bool, error), call func(context.Context) error) error {
	err := call(pacer.Check(ctx, applied))
	if err == nil {
		return nil
	}
	if done, aerr := applied(ctx); aerr == nil && done {
		return nil
	}
	return err
}

// exportExists says whether the matter has a Vault export of that name.
func (r *run) exportExists(matter, name string) func(context.Context) (bool, error) {
	return func(ctx context.Context) (bool, error) {
		have, err := listExports(ctx, r.svc, matter)
		if err != nil {
			return false, err
		}
		for _, x := range have {
			if x.Name == name {
				return true, nil
			}
		}
		return false, nil
	}
}

// matterIn says whether the export's matter is in one of states, or gone.
func (r *run) matterIn(states ...string) func(context.Context) (bool, error) {
	return func(ctx context.Context) (bool, error) {
		m, err := r.svc.Matters.Get(r.st.Matter).Context(ctx).Do()
		var ge *googleapi.Error
		if errors.As(err, &ge) && ge.Code == http.StatusNotFound {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		return slices.Contains(states, m.State), nil
	}
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

// discard closes and deletes the matter, which deletes Vault's copies of
// the exports: the archive is now the one copy (R12 then applies to it).
func (r *run) discard(ctx context.Context) error {
	m, err := r.svc.Matters.Get(r.st.Matter).Context(ctx).Do()
	if err != nil {
		return fmt.Errorf("matter %s: %w", r.st.Matter, err)
	}
	if m.State == "OPEN" {
		err := once(ctx, r.matterIn("CLOSED", "DELETED"), func(ctx context.Context) error {
			_, err := r.svc.Matters.Close(r.st.Matter, &vault.CloseMatterRequest{}).Context(ctx).Do()
			return err
		})
		if err != nil {
			return fmt.Errorf("close matter %s: %w", r.st.Matter, err)
		}
	}
	if m.State != "DELETED" {
		err := once(ctx, r.matterIn("DELETED"), func(ctx context.Context) error {
			_, err := r.svc.Matters.Delete(r.st.Matter).Context(ctx).Do()
			return err
		})
		if err != nil {
			return fmt.Errorf("delete matter %s: %w", r.st.Matter, err)
		}
	}
	return nil
}
