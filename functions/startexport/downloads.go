package startexport

import (
	"context"
	"errors"
	"net/http"
	"time"

	"cloud.google.com/go/storage"
	"google.golang.org/api/option"

	"github.com/orgexport/orgexport/shared/auth"
	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/export"
	"github.com/orgexport/orgexport/shared/httpapi"
	"github.com/orgexport/orgexport/shared/signedurl"
)

// DownloadSigner signs download URLs for the objects of an export's folder.
type DownloadSigner interface {
	Downloads(ctx context.Context, prefix string) (*signedurl.Downloads, error)
}

var _ DownloadSigner = (*signedurl.Archive)(nil)

// downloads is GET /exports/{id}/downloads: a signed URL (at most an hour)
// for manifest.json and every object it lists, for super administrators of
// the export's organisation, once it completed and until it expires (R12).
func (h *Handler) downloads(w http.ResponseWriter, r *http.Request, p auth.Principal, id string) {
	if h.Downloads == nil {
		h.fail(w, r, httpapi.FailedPrecondition("Downloads through signed URLs are not configured here (ORGEXPORT_BUCKET and ORGEXPORT_URL_SIGNER)."))
		return
	}
	e, err := h.Service.Get(r.Context(), p, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	now := time.Now()
	if h.Service.Now != nil {
		now = h.Service.Now()
	}
	switch {
	case e.State == export.Expired || (!e.Expires.IsZero() && !now.Before(e.Expires)):
		h.fail(w, r, httpapi.FailedPrecondition("The export expired on %s: its archive is deleted 30 days after completion.", e.Expires.UTC().Format(time.RFC3339)))
		return
	case !e.State.Done():
		h.fail(w, r, httpapi.FailedPrecondition("The export is %s: its archive can be downloaded once it has completed.", e.State))
		return
	}
	d, err := h.Downloads.Downloads(r.Context(), e.Prefix)
	if errors.Is(err, signedurl.ErrNoManifest) {
		h.fail(w, r, httpapi.FailedPrecondition("The export's archive has no manifest.json."))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !e.Expires.IsZero() && d.ExpiresAt.After(e.Expires) {
		d.ExpiresAt = e.Expires // the objects are gone then anyway
	}
	w.Header().Set("Cache-Control", "no-store")
	httpapi.JSON(w, http.StatusOK, d)
}

// newDownloads builds the URL signer from the configuration, or nil when
// downloads are not configured. Signing is keyless: IAM Credentials
// signBlob as c.CLI.URLSigner (the Workspace emulator's locally).
func newDownloads(ctx context.Context, c config.StartExport) (DownloadSigner, error) {
	if c.CLI.URLSigner == "" {
		return nil, nil
	}
	var iamOpts []option.ClientOption
	if c.Workspace.Endpoint != "" {
		iamOpts = append(iamOpts, option.WithEndpoint(c.Workspace.Endpoint+"/"), option.WithoutAuthentication())
	}
	signer, err := signedurl.NewIAMSigner(ctx, c.CLI.URLSigner, iamOpts...)
	if err != nil {
		return nil, err
	}
	client, err := storage.NewClient(context.WithoutCancel(ctx))
	if err != nil {
		return nil, err
	}
	return signedurl.New(client, c.Bucket, c.CLI.URLSigner, signer, signedurl.Options{})
}
