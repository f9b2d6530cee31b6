package gcs

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strconv"
	"strings"
)

// Batch requests, as Cloud Storage takes them (storage/docs/batch): a POST
// to /batch/storage/v1 of a multipart/mixed body whose parts are each an
// HTTP request of the JSON API (Content-Type: application/http, a path
// without scheme and host, an optional Content-ID); at most MaxBatch calls
// and less than MaxBatchBytes in all. The outer request's headers apply to
// every call but its Content- ones. The answer is multipart/mixed, one
// part a call in their order, each a whole HTTP response, its Content-ID
// the call's with "response-" before it: "<response-X>" for "<X>", as
// Google's batch answers are written (peers' parsers and test fixtures
// agree on the form). fake-gcs-server has no batch endpoint.
const (
	MaxBatch      = 100
	MaxBatchBytes = 10 << 20
)

func batch(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/batch/storage/v1" {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodPost {
			writeError(w, http.StatusMethodNotAllowed, "a batch is sent with POST")
			return
		}
		mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "multipart/mixed" || params["boundary"] == "" {
			writeError(w, http.StatusBadRequest, "a batch's Content-Type is multipart/mixed with a boundary")
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, MaxBatchBytes+1))
		if err != nil {
			writeError(w, http.StatusBadRequest, "reading the batch: "+err.Error())
			return
		}
		if len(body) > MaxBatchBytes-1 {
			writeError(w, http.StatusRequestEntityTooLarge, "a batch's payload must be less than 10MB")
			return
		}
		calls, err := readCalls(r, multipart.NewReader(bytes.NewReader(body), params["boundary"]))
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		mw := multipart.NewWriter(w)
		w.Header().Set("Content-Type", "multipart/mixed; boundary="+mw.Boundary())
		w.WriteHeader(http.StatusOK)
		for _, c := range calls {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, c.req)
			h := textproto.MIMEHeader{"Content-Type": {"application/http"}}
			if c.id != "" {
				h.Set("Content-ID", responseID(c.id))
			}
			pw, err := mw.CreatePart(h)
			if err != nil {
				return
			}
			res := rec.Result()
			fmt.Fprintf(pw, "HTTP/1.1 %d %s\r\n", res.StatusCode, http.StatusText(res.StatusCode))
			res.Header.Set("Content-Length", strconv.Itoa(rec.Body.Len()))
			res.Header.Write(pw)
			io.WriteString(pw, "\r\n")
			pw.Write(rec.Body.Bytes())
		}
		mw.Close()
	})
}

type call struct {
	id  string
	req *http.Request
}

// readCalls reads a batch's calls, each with the outer request's headers
// that it does not set itself (but Content- ones).
func readCalls(outer *http.Request, mr *multipart.Reader) ([]call, error) {
	var calls []call
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading the batch: %v", err)
		}
		if len(calls) == MaxBatch {
			return nil, fmt.Errorf("a batch takes at most %d calls", MaxBatch)
		}
		if ct := p.Header.Get("Content-Type"); ct != "application/http" {
			return nil, fmt.Errorf("call %d of the batch has Content-Type %q, not application/http", len(calls)+1, ct)
		}
		req, err := http.ReadRequest(bufio.NewReader(p))
		if err != nil {
			return nil, fmt.Errorf("call %d of the batch: %v", len(calls)+1, err)
		}
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, fmt.Errorf("call %d of the batch: %v", len(calls)+1, err)
		}
		if !strings.HasPrefix(req.URL.Path, "/storage/v1/") || req.URL.Host != "" {
			return nil, fmt.Errorf("call %d of the batch is not a JSON API path: %s", len(calls)+1, req.RequestURI)
		}
		for k, v := range outer.Header {
			if !strings.HasPrefix(k, "Content-") && req.Header.Get(k) == "" {
				req.Header[k] = v
			}
		}
		req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		req.RequestURI, req.Host, req.RemoteAddr = "", outer.Host, outer.RemoteAddr
		calls = append(calls, call{id: p.Header.Get("Content-ID"), req: req.WithContext(outer.Context())})
	}
	if len(calls) == 0 {
		return nil, fmt.Errorf("the batch has no calls")
	}
	return calls, nil
}

// responseID is the Content-ID of the answer to a call whose Content-ID is
// id: "<X>" is answered "<response-X>".
func responseID(id string) string {
	if inner, ok := strings.CutPrefix(id, "<"); ok && strings.HasSuffix(inner, ">") {
		return "<response-" + inner
	}
	return "response-" + id
}
