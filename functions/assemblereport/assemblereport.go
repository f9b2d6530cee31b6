// Package assemblereport is the AssembleReport function: it receives export
// events from the export-events topic and, once every account of an export
// is final, writes the manifest and report and sends the completion email
// (R9, R11).
//
// It is an HTTP function that verifies the caller's OIDC token first — a
// CloudEvent function cannot see the request's Authorization header — and
// then accepts the event in any of the forms Pub/Sub and Eventarc deliver:
// a CloudEvent in binary or structured mode (an Eventarc trigger), or a raw
// Pub/Sub push body (a push subscription), which it turns into the same
// google.cloud.pubsub.topic.v1.messagePublished CloudEvent the Functions
// Framework would make. Receive then handles the CloudEvent.
package assemblereport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/orgexport/orgexport/shared/config"
	"github.com/orgexport/orgexport/shared/entry"
	"github.com/orgexport/orgexport/shared/events"
	"github.com/orgexport/orgexport/shared/httpapi"
	"github.com/orgexport/orgexport/shared/pipeline"
	"github.com/orgexport/orgexport/shared/store"
	"github.com/orgexport/orgexport/shared/wire"
)

// Handle serves AssembleReport, built from the environment on first use.
var Handle = entry.ServiceFunction("AssembleReport", config.LoadAssembleReport,
	func(ctx context.Context, c config.AssembleReport, log *slog.Logger) (http.Handler, error) {
		pl, _, err := wire.AssembleReport(ctx, c, log)
		if err != nil {
			return nil, err
		}
		return &Handler{Pipeline: pl, Log: log}, nil
	})

// Handler receives one delivery.
type Handler struct {
	Pipeline *pipeline.Pipeline
	Log      *slog.Logger
}

// PushMessage is the data of a messagePublished CloudEvent, and the body of
// a Pub/Sub push.
type PushMessage struct {
	Message struct {
		Data        []byte            `json:"data"`
		Attributes  map[string]string `json:"attributes"`
		MessageID   string            `json:"messageId"`
		PublishTime string            `json:"publishTime"`
	} `json:"message"`
	Subscription string `json:"subscription"`
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ev, err := ToCloudEvent(r)
	if err != nil {
		// Malformed deliveries are answered 400; Pub/Sub sends them to the
		// dead-letter topic after its attempts.
		httpapi.Write(w, r, h.Log, httpapi.BadRequest("%s", err.Error()))
		return
	}
	h.Log.InfoContext(r.Context(), "event received", "id", ev.ID(), "type", ev.Type(), "source", ev.Source())
	if err := h.Receive(r.Context(), ev); err != nil {
		var bad *badEvent
		if errors.As(err, &bad) {
			httpapi.Write(w, r, h.Log, httpapi.BadRequest("%s", err.Error()))
			return
		}
		httpapi.Write(w, r, h.Log, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type badEvent struct{ error }

// Receive handles one export event as a CloudEvent.
func (h *Handler) Receive(ctx context.Context, ce event.Event) error {
	var pm PushMessage
	if err := json.Unmarshal(ce.Data(), &pm); err != nil {
		return &badEvent{fmt.Errorf("the event's data is not a Pub/Sub message: %w", err)}
	}
	ev, err := events.Decode(pm.Message.Data)
	if err != nil {
		return &badEvent{fmt.Errorf("the Pub/Sub message is not an export event: %w", err)}
	}
	err = h.Pipeline.Assemble(ctx, ev)
	if errors.Is(err, store.ErrNotFound) {
		h.Log.WarnContext(ctx, "event for an unknown export", "export", ev.ExportID)
		return nil
	}
	return err
}

// ToCloudEvent reads a delivery as a CloudEvent: binary or structured
// CloudEvents as they are, and a raw Pub/Sub push body converted.
func ToCloudEvent(r *http.Request) (event.Event, error) {
	if r.Header.Get("Ce-Specversion") != "" || r.Header.Get("Content-Type") == "application/cloudevents+json" {
		ev, err := cloudevents.NewEventFromHTTPRequest(r)
		if err == nil {
			err = ev.Validate() // the SDK reads an event without id, source or type
		}
		if err != nil {
			return event.Event{}, fmt.Errorf("the CloudEvent cannot be read: %w", err)
		}
		return *ev, nil
	}
	// Push bodies carry fields beyond these (message_id, deliveryAttempt,
	// orderingKey…), so this decode is not strict, only bounded.
	var pm PushMessage
	body, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if err != nil {
		return event.Event{}, fmt.Errorf("the body cannot be read: %w", err)
	}
	if err := json.Unmarshal(body, &pm); err != nil {
		return event.Event{}, fmt.Errorf("the body is not a Pub/Sub push message: %w", err)
	}
	if pm.Message.MessageID == "" {
		return event.Event{}, errors.New("the Pub/Sub push body has no message id")
	}
	ev := event.New()
	ev.SetID(pm.Message.MessageID)
	ev.SetType("google.cloud.pubsub.topic.v1.messagePublished")
	ev.SetSource("//pubsub.googleapis.com/" + pm.Subscription)
	data, _ := json.Marshal(pm)
	if err := ev.SetData(event.ApplicationJSON, data); err != nil {
		return event.Event{}, err
	}
	return ev, nil
}
