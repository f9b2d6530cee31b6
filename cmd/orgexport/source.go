package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/orgexport/orgexport/shared/manifest"
)

// source reads the objects of one export, by name relative to its root.
type source interface {
	// Manifest returns manifest.json's bytes and, when the source knows
	// them, its own size and checksums.
	Manifest(ctx context.Context) ([]byte, *manifest.Entry, error)
	// Open reads the object from offset to its end.
	Open(ctx context.Context, name string, offset int64) (io.ReadCloser, error)
}

// errDenied marks a refusal (401, 403) or an object that is not there:
// running again will not help.
var errDenied = errors.New("access denied")

// location is where an export is: its bucket and folder, and its id.
type location struct {
	Bucket, Prefix string // Prefix ends in "/"
	ExportID       string
	// API is the base URL of the admin API when the argument was one of
	// its (or the console's) URLs.
	API string
}

// parseLocation reads gs://BUCKET/CUSTOMER/EXPORT, the Cloud console's
// storage browser URL of the same folder
// (https://console.cloud.google.com/storage/browser/BUCKET/CUSTOMER/EXPORT),
// or an export's URL in the admin API or console (…/exports/EXPORT).
func parseLocation(arg string) (location, error) {
	if rest, ok := strings.CutPrefix(arg, "gs://"); ok {
		return bucketPath(arg, rest)
	}
	u, err := url.Parse(arg)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return location{}, usageError("%q is neither gs://BUCKET/CUSTOMER/EXPORT nor an export's URL", arg)
	}
	if rest, ok := strings.CutPrefix(u.Path, "/storage/browser/"); ok && u.Host == "console.cloud.google.com" {
		return bucketPath(arg, rest)
	}
	// An export's URL in the API or the console: the id follows the last
	// "exports" segment, of the path or of a "#/…" fragment.
	for _, p := range []string{u.Fragment, u.Path} {
		segs := strings.Split(strings.Trim(p, "/"), "/")
		for i := len(segs) - 2; i >= 0; i-- {
			if segs[i] == "exports" && segs[i+1] != "" {
				loc := location{ExportID: segs[i+1]}
				if p == u.Path { // the API is what comes before /exports
					api := url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/" + strings.Join(segs[:i], "/")}
					loc.API = strings.TrimRight(api.String(), "/")
				}
				return loc, nil
			}
		}
	}
	return location{}, usageError("%q names no export: want gs://BUCKET/CUSTOMER/EXPORT or …/exports/EXPORT", arg)
}

func bucketPath(arg, rest string) (location, error) {
	rest, _ = url.PathUnescape(rest)
	segs := strings.Split(strings.Trim(rest, "/"), "/")
	if len(segs) != 3 || segs[0] == "" || segs[1] == "" || segs[2] == "" {
		return location{}, usageError("%q: want gs://BUCKET/CUSTOMER/EXPORT (the export's folder)", arg)
	}
	return location{Bucket: segs[0], Prefix: segs[1] + "/" + segs[2] + "/", ExportID: segs[2]}, nil
}

func (l location) String() string {
	if l.Bucket != "" {
		return "gs://" + l.Bucket + "/" + l.Prefix
	}
	return fmt.Sprintf("export %s", l.ExportID)
}
