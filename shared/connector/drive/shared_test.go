package drive_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/connector/drive"
	"github.com/orgexport/orgexport/shared/export"
)

// Drive answers 404 to an administrator who is not a member of a shared
// drive: the drive is read as one of its members, found with the
// administrator's useDomainAdminAccess, and a drive with no member left
// is reported unsupported, with the reason.
func TestSharedDrivesAreReadAsAMember(t *testing.T) {
	opts := synth.Tiny(3)
	opts.SharedDrives = 3
	env := connectortest.Start(t, opts)
	c := drive.New(env.Factory, drive.Options{})
	var withoutAdmin, orphaned, withAdmin int
	for _, a := range env.Accounts() {
		if a.Kind != "shared-drive" {
			continue
		}
		var d synth.SharedDrive
		for _, sd := range env.Server.Org().SharedDrives() {
			if sd.ID == a.ID {
				d = sd
			}
		}
		r, err := connectortest.ExportAll(context.Background(), c, a, nil)
		switch {
		case d.Orphaned():
			orphaned++
			if !errors.Is(err, connector.ErrUnsupported) || !strings.Contains(err.Error(), "no member left") {
				t.Errorf("drive %s without members: err = %v, want unsupported with the reason", a.ID, err)
			}
			continue
		case slices.Contains(d.Members, 0):
			withAdmin++
		default:
			withoutAdmin++
		}
		if err != nil {
			t.Fatalf("drive %s: %v", a.ID, err)
		}
		truth := env.Truth(a, export.Drive)
		if len(truth) == 0 {
			t.Fatalf("drive %s has no items in the truth", a.ID)
		}
		connectortest.Check(t, truth, r, a)
	}
	if withoutAdmin != 1 || orphaned != 1 || withAdmin != 1 {
		t.Errorf("%d drives without the admin, %d without members, %d with the admin; want 1 of each", withoutAdmin, orphaned, withAdmin)
	}
}
