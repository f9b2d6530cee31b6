package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/orgexport/orgexport/shared/manifest"
)

// downloads is the answer of GET /exports/{id}/downloads.
type downloads struct {
	ExpiresAt time.Time      `json:"expires_at"`
	Objects   []signedObject `json:"objects"`
}

type signedObject struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	CRC32C string `json:"crc32c"`
	MD5    string `json:"md5"`
	URL    string `json:"url"`
}

// signedSource reads objects through the signed URLs the API hands out,
// asking again for new ones shortly before they expire, or when the
// bucket refuses one.
type signedSource struct {
	api  *apiClient
	id   string
	http *http.Client
	now  func() time.Time

	mu      sync.Mutex
	current *downloads
	urls    map[string]signedObject
}

// renewBefore is how long before their expiry URLs are renewed.
const renewBefore = 5 * time.Minute

func newSignedSource(_ context.Context, e *env, a *apiFlags, loc location) (*signedSource, error) {
	c, err := a.client(loc.API)
	if err != nil {
		return nil, err
	}
	// No overall timeout: a part can take long; a stalled connection is
	// caught by the transport's response-header timeout.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = time.Minute
	return &signedSource{api: c, id: loc.ExportID, http: &http.Client{Transport: tr}, now: time.Now}, nil
}

// object returns the signed URL of name, renewing the list when it is
// about to expire or stale is set.
func (s *signedSource) object(ctx context.Context, name string, stale bool) (signedObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if stale || s.current == nil || s.now().Add(renewBefore).After(s.current.ExpiresAt) {
		var d downloads
		if err := s.api.call(ctx, http.MethodGet, "/exports/"+url.PathEscape(s.id)+"/downloads", nil, &d); err != nil {
			return signedObject{}, err
		}
		s.current, s.urls = &d, make(map[string]signedObject, len(d.Objects))
		for _, o := range d.Objects {
			s.urls[o.Name] = o
		}
	}
	o, ok := s.urls[name]
	if !ok {
		return signedObject{}, fmt.Errorf("%s: %w: the API offers no URL for it", name, errDenied)
	}
	return o, nil
}

func (s *signedSource) Manifest(ctx context.Context) ([]byte, *manifest.Entry, error) {
	r, err := s.Open(ctx, manifest.Name, 0)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, 256<<20))
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", manifest.Name, err)
	}
	o, err := s.object(ctx, manifest.Name, false)
	if err != nil {
		return nil, nil, err
	}
	return b, &manifest.Entry{Name: o.Name, Size: o.Size, MD5: o.MD5, CRC32C: o.CRC32C}, nil
}

func (s *signedSource) Open(ctx context.Context, name string, offset int64) (io.ReadCloser, error) {
	for renewed := false; ; renewed = true {
		o, err := s.object(ctx, name, renewed)
		if err != nil {
			return nil, err
		}
		resp, err := s.get(ctx, o.URL, offset)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		switch {
		case resp.StatusCode == http.StatusOK && offset == 0, resp.StatusCode == http.StatusPartialContent:
			return resp.Body, nil
		case resp.StatusCode == http.StatusOK:
			resp.Body.Close()
			return nil, fmt.Errorf("%s: the server ignored the range request", name)
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		resp.Body.Close()
		refused := resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnauthorized ||
			resp.StatusCode == http.StatusForbidden
		switch {
		case refused && !renewed: // expired or revoked: ask for a new URL once
			continue
		case refused || resp.StatusCode == http.StatusNotFound:
			return nil, fmt.Errorf("%s: %w: the bucket answered %s: %.200s", name, errDenied, resp.Status, body)
		}
		return nil, errors.New(name + ": the bucket answered " + resp.Status)
	}
}

func (s *signedSource) get(ctx context.Context, u string, offset int64) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	// The bytes as stored: no transparent decompression, so offsets and
	// checksums are the object's.
	req.Header.Set("Accept-Encoding", "identity")
	if offset > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(offset, 10)+"-")
	}
	return s.http.Do(req)
}
