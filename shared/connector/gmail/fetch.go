package gmail

import (
	"context"
	"encoding/base64"
	"strings"
	"time"

	"google.golang.org/api/gmail/v1"

	"github.com/orgexport/orgexport/shared/pacer"
)

// message is one fetched message, or why it could not be.
type message struct {
	id  string
	msg *gmail.Message
	raw []byte
	err error
}

// stream fetches the messages of ids, Workers at a time, and hands them to
// write in order. A message is fetched only when fewer than Workers are
// fetched but not yet written, which bounds memory. It stops at the first
// error of write or the first fatal fetch error.
func (c *Connector) stream(ctx context.Context, svc *gmail.Service, ids []string, write func(message) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]chan message, len(ids))
	for i := range results {
		results[i] = make(chan message, 1)
	}
	slots := make(chan struct{}, c.opts.Workers)
	go func() {
		for i, id := range ids {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			go func() { results[i] <- fetch(ctx, svc, id) }()
		}
	}()
	for i := range ids {
		var m message
		select {
		case m = <-results[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		<-slots
		if pacer.ClassOf(m.err) == pacer.Fatal {
			return m.err
		}
		if err := write(m); err != nil {
			return err
		}
	}
	return nil
}

// fetch reads one message in raw form.
func fetch(ctx context.Context, svc *gmail.Service, id string) message {
	m, err := svc.Users.Messages.Get("me", id).Format("raw").
		Fields("id,threadId,labelIds,internalDate,raw").Context(ctx).Do()
	if err != nil {
		return message{id: id, err: err}
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(m.Raw, "="))
	m.Raw = ""
	return message{id: id, msg: m, raw: raw, err: err}
}

// internalDate is the message's receipt time.
func internalDate(m *gmail.Message) time.Time {
	return time.UnixMilli(m.InternalDate).UTC()
}
