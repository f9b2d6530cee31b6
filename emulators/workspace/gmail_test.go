package workspace_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"testing"

	gmail "google.golang.org/api/gmail/v1"

	"github.com/orgexport/orgexport/emulators/workspace"
	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/export"
)

func TestGmailRawMessagesMatchTheTruth(t *testing.T) {
	t.Parallel()
	opt := synth.Tiny(3)
	opt.Hostile = true
	s := start(t, opt, workspace.Faults{})
	ctx := context.Background()
	user := s.Org().Users()[1].Email
	svc, err := gmail.NewService(ctx, clientOpts(t, s, "gmail", user)...)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for it := range s.Truth(user) {
		if it.Product == export.Gmail {
			want[it.ItemID] = it.SHA256
		}
	}
	got := map[string]string{}
	err = svc.Users.Messages.List("me").IncludeSpamTrash(true).MaxResults(4).Pages(ctx, func(p *gmail.ListMessagesResponse) error {
		for _, m := range p.Messages {
			full, err := svc.Users.Messages.Get("me", m.Id).Format("raw").Do()
			if err != nil {
				return err
			}
			raw, err := base64.URLEncoding.DecodeString(full.Raw)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(raw)
			got[m.Id] = hex.EncodeToString(sum[:])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != opt.MessagesPerUser || len(got) != len(want) {
		t.Fatalf("got %d messages, truth has %d, want %d", len(got), len(want), opt.MessagesPerUser)
	}
	for id, sum := range want {
		if got[id] != sum {
			t.Errorf("message %s: sha256 %s, truth %s", id, got[id], sum)
		}
	}
	plain, err := svc.Users.Messages.List("me").Do()
	if err != nil || len(plain.Messages) != opt.MessagesPerUser-2 {
		t.Errorf("without includeSpamTrash: %v, %d messages, want all but the spam and trash ones", err, len(plain.Messages))
	}
	labels, err := svc.Users.Labels.List("me").Do()
	if err != nil || len(labels.Labels) < 6 {
		t.Fatalf("labels: %v %d", err, len(labels.Labels))
	}
}

func TestGmailDeniesOtherMailboxes(t *testing.T) {
	t.Parallel()
	s := start(t, synth.Tiny(1), workspace.Faults{})
	svc, err := gmail.NewService(context.Background(), clientOpts(t, s, "gmail", "admin@example.com")...)
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.Users.Messages.List(s.Org().Users()[1].Email).Do()
	wantAPIError(t, err, 403, "forbidden")
	_, err = svc.Users.Messages.Get("me", "18000999deadbeef").Format("raw").Do()
	wantAPIError(t, err, 404, "notFound")
}
