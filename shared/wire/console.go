package wire

import (
	"context"
	"log/slog"

	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/console"
	"github.com/orgexport/orgexport/shared/control"
)

// Console builds the admin console that StartExport serves beside the API,
// over the same control plane; it reads reports from the archive bucket.
func Console(ctx context.Context, c config.StartExport, svc *control.Service, log *slog.Logger) (*console.Console, Closers, error) {
	p := &parts{log: log}
	b, err := p.bucket(ctx, c.Bucket)
	if err != nil {
		return nil, nil, p.fail(err)
	}
	con, err := console.New(console.Options{Control: svc, Reports: b, Issuer: c.Admin.Issuer, ClientID: c.Admin.Audience,
		ClientSecret: c.Console.ClientSecret, URL: c.Mail.ConsoleURL, SessionKey: []byte(c.Console.SessionKey),
		Bucket: c.Bucket, Log: log})
	if err != nil {
		return nil, nil, p.fail(err)
	}
	return con, p.closers, nil
}
