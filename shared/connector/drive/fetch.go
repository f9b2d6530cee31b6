package drive

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"

	"github.com/orgexport/orgexport/shared/connector"
)

// download copies a binary file into w, resuming where the body broke off
// and checking its size and MD5.
func download(ctx context.Context, svc *drive.Service, f *drive.File, w io.Writer) error {
	h := md5.New()
	n, err := connector.Download(ctx, "Drive", func(offset int64) (*http.Response, error) {
		call := svc.Files.Get(f.Id).SupportsAllDrives(true).Context(ctx)
		if offset > 0 {
			call.Header().Set("Range", fmt.Sprintf("bytes=%d-", offset))
		}
		return call.Download()
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
