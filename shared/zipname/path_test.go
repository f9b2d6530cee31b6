package zipname

import (
	"errors"
	"testing"
)

func TestValid(t *testing.T) {
	good := []string{"Drive/a.txt", "Mail/All mail.mbox", "Google Chat/Groups/Space 1/messages.json", ".profile"}
	for _, p := range good {
		if err := Valid(p); err != nil {
			t.Errorf("Valid(%q) = %v", p, err)
		}
	}
	bad := []string{"", "/etc/passwd", "Drive/../../x", "Drive/./x", `Drive\x`, "Drive//x",
		"Drive/", "C:/x", "Drive/a\x00b", "Drive/CON", "Drive/x.", "Drive/ x", "Drive/\u202Egpj.exe", "a/\xff"}
	for _, p := range bad {
		if err := Valid(p); !errors.Is(err, ErrInvalid) {
			t.Errorf("Valid(%q) = %v, want ErrInvalid", p, err)
		}
	}
}

func TestJoin(t *testing.T) {
	got := Join("Drive", "../../etc", "passwd")
	if got != "Drive/.._.._etc/passwd" {
		t.Errorf("Join = %q", got)
	}
	if err := Valid(got); err != nil {
		t.Error(err)
	}
}
