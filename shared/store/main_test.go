package store_test

import (
	"context"
	"os"
	"testing"

	"github.com/orgexport/orgexport/shared/store"
)

func TestMain(m *testing.M) { os.Exit(m.Run()) }

func open(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.New(context.Background(), "store-test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
