package vault

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/api/vault/v1"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

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
