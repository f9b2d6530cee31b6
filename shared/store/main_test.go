package store_test

import (
	"context"
	"os"
	"testing"

	"github.com/orgexport/orgexport/emulators/testenv"
	"github.com/orgexport/orgexport/shared/store"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m, testenv.Firestore)) }

// open returns a store on the Firestore emulator, emptied for this test.
func open(t *testing.T) *store.Store {
	t.Helper()
	env := testenv.Get(t)
	s, err := store.New(context.Background(), env.Project)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
