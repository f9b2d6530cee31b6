package vault

import (
	"context"
	"fmt"
	"strings"

	"github.com/orgexport/orgexport/shared/connector"
)

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
