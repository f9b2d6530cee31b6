package drive

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"

	"github.com/orgexport/orgexport/shared/connector"
)

// abuseNote is what the item index says of a file Drive flags as abusive.
const abuseNote = "Drive flags this file as malware or spam; it was downloaded with acknowledgeAbuse=true"

// binary downloads a file's content into its entry. The download starts
// before the entry is made, so a file Drive flags as malware or spam (403
// cannotDownloadAbusiveFile) is asked for again with acknowledgeAbuse=true
// and its entry says so in the item index.
func (r *run) binary(ctx context.Context, entry connector.Entry, f *drive.File) (int64, error) {
	ack := false
	first, err := start(ctx, r.svc, f.Id, false)
	if abusive(err) {
		ack, entry.Note = true, abuseNote
		first, err = start(ctx, r.svc, f.Id, true)
	}
	if err != nil {
		return 0, err
	}
	w, err := r.e.Create(entry)
	if err != nil {
		first.Body.Close()
		return 0, &connector.WriteError{Err: err}
	}
	cw := &counter{w: w}
	err = download(ctx, r.svc, f, ack, first, cw)
	return cw.n, err
}

// start starts the download of a file's content; an error answer cut off
// in transit, whose reason cannot be read, is asked for again.
func start(ctx context.Context, svc *drive.Service, id string, ack bool) (*http.Response, error) {
	var resp *http.Response
	var err error
	for try := 0; try <= connector.Resumes; try++ {
		if resp, err = get(ctx, svc, id, ack, 0); !cutAnswer(err) || ctx.Err() != nil {
			break
		}
	}
	return resp, err
}

// cutAnswer reports whether err is an error answer whose body is not
// whole JSON: one cut off in transit.
func cutAnswer(err error) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && len(ge.Errors) == 0 && !json.Valid([]byte(ge.Body))
}

// get starts the download of a file's content at offset.
func get(ctx context.Context, svc *drive.Service, id string, ack bool, offset int64) (*http.Response, error) {
	call := svc.Files.Get(id).SupportsAllDrives(true).Context(ctx)
	if ack {
		call = call.AcknowledgeAbuse(true)
	}
	if offset > 0 {
		call.Header().Set("Range", fmt.Sprintf("bytes=%d-", offset))
	}
	return call.Download()
}

// abusive reports whether err is Drive's refusal to serve a file flagged as
// malware or spam without acknowledgeAbuse.
func abusive(err error) bool {
	var ge *googleapi.Error
	if !errors.As(err, &ge) || ge.Code != http.StatusForbidden {
		return false
	}
	for _, e := range ge.Errors {
		if e.Reason == "cannotDownloadAbusiveFile" {
			return true
		}
	}
	return bytes.Contains([]byte(ge.Body), []byte("cannotDownloadAbusiveFile"))
}

// download copies a binary file into w from the response first (the start
// of the content), resuming where the body broke off and checking its size
// and MD5.
func download(ctx context.Context, svc *drive.Service, f *drive.File, ack bool, first *http.Response, w io.Writer) error {
	h := md5.New()
	n, err := connector.Download(ctx, "Drive", func(offset int64) (*http.Response, error) {
		if offset == 0 && first != nil {
			resp := first
			first = nil
			return resp, nil
		}
		return get(ctx, svc, f.Id, ack, offset)
	}, io.MultiWriter(connector.Sink(w), h))
	if err != nil {
		return err
	}
	if f.Size > 0 && n != f.Size {
		return fmt.Errorf("download ended after %d of %d bytes", n, f.Size)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); f.Md5Checksum != "" && sum != f.Md5Checksum {
		return fmt.Errorf("downloaded bytes do not match Drive's MD5 checksum")
	}
	return nil
}

// exportLimit is Drive's limit on files.export; bigger exports fall back
// to exportLinks.
const exportLimit = 10 << 20

var errExportTooLarge = errors.New("export is over Drive's 10 MB limit")

// again runs read up to connector.Resumes+1 times while it fails with a body cut
// off in transit (the pacer has already retried error statuses).
func again[T any](ctx context.Context, read func() (T, error)) (T, error) {
	var v T
	var err error
	for try := 0; try <= connector.Resumes; try++ {
		v, err = read()
		var ge *googleapi.Error
		if err == nil || ctx.Err() != nil || errors.As(err, &ge) || errors.Is(err, errExportTooLarge) {
			break
		}
	}
	return v, err
}

// exportDoc exports a Google file as mimeType into memory (it is at most
// 10 MB), so a failed export leaves nothing half-written.
func exportDoc(ctx context.Context, svc *drive.Service, id, mimeType string) ([]byte, error) {
	return again(ctx, func() ([]byte, error) { return exportOnce(ctx, svc, id, mimeType) })
}

func exportOnce(ctx context.Context, svc *drive.Service, id, mimeType string) ([]byte, error) {
	resp, err := svc.Files.Export(id, mimeType).Context(ctx).Download()
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, exportLimit+1))
	if err == nil && len(b) > exportLimit {
		err = errExportTooLarge
	}
	return b, err
}

// tooLarge reports whether err is Drive's "export too large" answer.
func tooLarge(err error) bool {
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return errors.Is(err, errExportTooLarge)
	}
	for _, e := range ge.Errors {
		if e.Reason == "exportSizeLimitExceeded" {
			return true
		}
	}
	return bytes.Contains([]byte(ge.Body), []byte("exportSizeLimitExceeded"))
}

// exportLinkOf asks Drive for the file's export link to mimeType (the
// listing leaves exportLinks out: only a Doc whose export failed needs
// one); "" means Drive gives none.
func exportLinkOf(ctx context.Context, svc *drive.Service, id, mimeType string) (string, error) {
	f, err := svc.Files.Get(id).SupportsAllDrives(true).Fields("exportLinks").Context(ctx).Do()
	if err != nil {
		return "", fmt.Errorf("read export links: %w", err)
	}
	return f.ExportLinks[mimeType], nil
}

// exportLink fetches url (one of the file's exportLinks) into a temporary
// file, so that only a complete download reaches the zip. The caller
// removes the file.
func exportLink(ctx context.Context, client *http.Client, url string) (*os.File, error) {
	return again(ctx, func() (*os.File, error) { return exportLinkOnce(ctx, client, url) })
}

func exportLinkOnce(ctx context.Context, client *http.Client, url string) (*os.File, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if err := googleapi.CheckResponse(resp); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp("", "orgexport-drive-*")
	if err != nil {
		return nil, fmt.Errorf("spool export: %w", err)
	}
	if _, err = io.Copy(tmp, resp.Body); err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	return tmp, nil
}
