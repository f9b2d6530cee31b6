package workspace_test

import (
	"context"
	"testing"

	calendar "google.golang.org/api/calendar/v3"
	"google.golang.org/api/chat/v1"
	"google.golang.org/api/gmail/v1"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/export"
)

// Products turned off for a user answer as Google does, for that user
// only, and the truth has none of their items.
func TestProductsTurnedOffForAUser(t *testing.T) {
	t.Parallel()
	org, _ := synth.New(synth.Tiny(3))
	off, on := org.Users()[1].Email, org.Users()[2].Email
	s := start(t, synth.Tiny(3), workspace.Faults{ProductsOff: map[string][]string{off: {"gmail", "calendar", "chat"}}})
	ctx := context.Background()

	g, _ := gmail.NewService(ctx, clientOpts(t, s, "gmail", off)...)
	_, err := g.Users.Messages.List("me").Do()
	wantAPIError(t, err, 400, "failedPrecondition")
	c, _ := calendar.NewService(ctx, clientOpts(t, s, "calendar", off)...)
	_, err = c.CalendarList.List().Do()
	wantAPIError(t, err, 403, "notACalendarUser")
	ch, _ := chat.NewService(ctx, clientOpts(t, s, "chat", off)...)
	_, err = ch.Spaces.List().Do()
	wantStatus(t, err, 400, "FAILED_PRECONDITION", "Google Chat is turned off") // Chat's errors have a status, no reason

	g2, _ := gmail.NewService(ctx, clientOpts(t, s, "gmail", on)...)
	if _, err := g2.Users.Messages.List("me").Do(); err != nil {
		t.Errorf("Gmail of %s, for whom it is on: %v", on, err)
	}
	for it := range s.Truth(off) {
		if it.Product == export.Gmail || it.Product == export.Calendar || it.Product == export.Chat {
			t.Errorf("truth of %s has %s item %s, which is turned off", off, it.Product, it.ItemID)
		}
	}
	if err := s.SetFaults(workspace.Faults{ProductsOff: map[string][]string{off: {"drive"}}}); err == nil {
		t.Error("turning Drive off was accepted; the emulator cannot")
	}
}
