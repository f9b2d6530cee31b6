package export

import (
	"testing"
	"time"
)

// Time left comes from bytes and items against the estimate: a quarter
// of both done in an hour leaves three hours, however many accounts are
// finished; without an estimate, the accounts' pace.
func TestTimeLeftFromBytesAndItems(t *testing.T) {
	est := &Estimate{Bytes: 400, Items: 40}
	if left, ok := TimeLeft(est, time.Hour, 100, 10, 90, 100); !ok || left != 3*time.Hour {
		t.Errorf("a quarter done in an hour: %v %v, want 3h", left, ok)
	}
	if left, ok := TimeLeft(est, time.Hour, 300, 10, 0, 100); !ok || left != time.Hour {
		t.Errorf("three quarters of the bytes, a quarter of the items: %v, want 1h", left)
	}
	// Past the estimate, or without one, the accounts decide.
	if left, ok := TimeLeft(est, time.Hour, 900, 90, 50, 100); !ok || left != time.Hour {
		t.Errorf("past the estimate, half the accounts: %v, want 1h", left)
	}
	if left, ok := TimeLeft(nil, time.Hour, 900, 90, 25, 100); !ok || left != 3*time.Hour {
		t.Errorf("no estimate, a quarter of the accounts: %v, want 3h", left)
	}
	if _, ok := TimeLeft(nil, time.Hour, 0, 0, 0, 100); ok {
		t.Error("nothing done and no estimate, yet a time left")
	}
}
