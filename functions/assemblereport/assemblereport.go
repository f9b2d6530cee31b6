// Package assemblereport is the AssembleReport function: it receives export
// events from Pub/Sub as CloudEvents and, once every account of an export is
// final, writes the manifest and report and sends the completion email (R9, R11).
package assemblereport

import (
	"context"
	"errors"

	"github.com/cloudevents/sdk-go/v2/event"
)

// ErrNotImplemented is returned until the function is built.
var ErrNotImplemented = errors.New("AssembleReport is not implemented yet")

// Receive handles one export event.
func Receive(ctx context.Context, e event.Event) error {
	return ErrNotImplemented
}
