package signedurl

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"cloud.google.com/go/storage"
	"golang.org/x/sync/errgroup"
	"google.golang.org/api/iamcredentials/v1"
	"google.golang.org/api/option"

	"github.com/orgexport/orgexport/shared/manifest"
)

// MaxExpiry is the longest life of a URL.
const MaxExpiry = time.Hour

// Signer signs bytes as a service account (RSA SHA-256, as V4 URLs need).
type Signer interface {
	SignBlob(ctx context.Context, b []byte) ([]byte, error)
}

// IAMSigner signs with IAM Credentials signBlob, as Account.
type IAMSigner struct {
	svc     *iamcredentials.Service
	account string
}

// NewIAMSigner returns a signer for account; opts reach the IAM Credentials
// client (an endpoint, credentials).
func NewIAMSigner(ctx context.Context, account string, opts ...option.ClientOption) (*IAMSigner, error) {
	svc, err := iamcredentials.NewService(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("iam credentials client: %w", err)
	}
	return &IAMSigner{svc: svc, account: account}, nil
}

// SignBlob implements Signer.
func (s *IAMSigner) SignBlob(ctx context.Context, b []byte) ([]byte, error) {
	resp, err := s.svc.Projects.ServiceAccounts.SignBlob("projects/-/serviceAccounts/"+s.account,
		&iamcredentials.SignBlobRequest{Payload: base64.StdEncoding.EncodeToString(b)}).Context(ctx).Do()
	if err != nil {
		return nil, fmt.Errorf("signBlob as %s: %w", s.account, err)
	}
	return base64.StdEncoding.DecodeString(resp.SignedBlob)
}

// Options tune an Archive. The zero value signs one-hour URLs, 16 at once.
type Options struct {
	// Expiry is each URL's life, at most MaxExpiry (0 means MaxExpiry).
	Expiry time.Duration
	// Parallel is how many objects are signed at once (0 means 16).
	Parallel int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Archive signs URLs for objects of one bucket.
type Archive struct {
	bucket   *storage.BucketHandle
	signer   Signer
	account  string
	insecure bool
	o        Options
}

// New returns an Archive for bucket, read with client (which also decides
// the URLs' host: storage.googleapis.com, or the emulator named by
// STORAGE_EMULATOR_HOST), signing as account with signer.
func New(client *storage.Client, bucket, account string, signer Signer, o Options) (*Archive, error) {
	if bucket == "" || account == "" || signer == nil {
		return nil, errors.New("signedurl: bucket, account and signer are required")
	}
	if o.Expiry <= 0 || o.Expiry > MaxExpiry {
		o.Expiry = MaxExpiry
	}
	if o.Parallel <= 0 {
		o.Parallel = 16
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	// The client reaches an emulator over plain HTTP: so must its URLs.
	host := os.Getenv("STORAGE_EMULATOR_HOST")
	insecure := host != "" && !strings.HasPrefix(host, "https://")
	return &Archive{bucket: client.Bucket(bucket), signer: signer, account: account, insecure: insecure, o: o}, nil
}

// Object is one signed object.
type Object struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	CRC32C string `json:"crc32c"`
	MD5    string `json:"md5"`
	URL    string `json:"url"`
}

// Downloads is the answer of GET /exports/{id}/downloads.
type Downloads struct {
	ExpiresAt time.Time `json:"expires_at"`
	Objects   []Object  `json:"objects"`
}

// ErrNoManifest is returned when the export's folder has no manifest.json.
var ErrNoManifest = errors.New("the export has no manifest.json")

// Downloads signs manifest.json of the export at prefix ("{customer}/{export}/")
// and every object it lists.
func (a *Archive) Downloads(ctx context.Context, prefix string) (*Downloads, error) {
	self, m, err := a.manifest(ctx, prefix)
	if err != nil {
		return nil, err
	}
	now := a.o.Now()
	out := &Downloads{ExpiresAt: now.Add(a.o.Expiry).UTC().Truncate(time.Second), Objects: make([]Object, 1+len(m.Objects))}
	out.Objects[0] = self
	for i, e := range m.Objects {
		out.Objects[i+1] = Object{Name: e.Name, Size: e.Size, CRC32C: e.CRC32C, MD5: e.MD5}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(a.o.Parallel)
	for i := range out.Objects {
		g.Go(func() error {
			u, err := a.sign(gctx, prefix+out.Objects[i].Name, now)
			out.Objects[i].URL = u
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// manifest reads the export's manifest.json and its own checksums.
func (a *Archive) manifest(ctx context.Context, prefix string) (Object, *manifest.Manifest, error) {
	o := a.bucket.Object(prefix + manifest.Name)
	r, err := o.NewReader(ctx)
	if errors.Is(err, storage.ErrObjectNotExist) {
		return Object{}, nil, ErrNoManifest
	}
	if err != nil {
		return Object{}, nil, fmt.Errorf("read %s%s: %w", prefix, manifest.Name, err)
	}
	defer r.Close()
	m, err := manifest.Read(r)
	if err != nil {
		return Object{}, nil, fmt.Errorf("%s%s: %w", prefix, manifest.Name, err)
	}
	attrs, err := o.Attrs(ctx)
	if err != nil {
		return Object{}, nil, fmt.Errorf("read %s%s: %w", prefix, manifest.Name, err)
	}
	self := Object{Name: manifest.Name, Size: attrs.Size, CRC32C: fmt.Sprintf("%08x", attrs.CRC32C)}
	if len(attrs.MD5) > 0 {
		self.MD5 = fmt.Sprintf("%x", attrs.MD5)
	}
	return self, m, nil
}

func (a *Archive) sign(ctx context.Context, object string, now time.Time) (string, error) {
	u, err := a.bucket.SignedURL(object, &storage.SignedURLOptions{
		GoogleAccessID: a.account,
		SignBytes:      func(b []byte) ([]byte, error) { return a.signer.SignBlob(ctx, b) },
		Method:         http.MethodGet,
		Expires:        now.Add(a.o.Expiry),
		Scheme:         storage.SigningSchemeV4,
		Insecure:       a.insecure,
	})
	if err != nil {
		return "", fmt.Errorf("sign %s: %w", object, err)
	}
	return u, nil
}
