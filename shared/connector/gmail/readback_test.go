package gmail_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/connector/connectortest"
	"github.com/orgexport/orgexport/shared/connector/gmail"
	"github.com/orgexport/orgexport/shared/export"
)

func exportUser(t *testing.T, hostile bool) (*connectortest.Env, connector.Account, *connectortest.Result) {
	opts := synth.Tiny(2)
	opts.Hostile = hostile
	env := connectortest.Start(t, opts)
	a := env.Accounts()[0]
	c := gmail.New(env.Factory, gmail.Options{CheckpointBytes: 8 << 10})
	r, err := connectortest.ExportAll(context.Background(), c, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	return env, a, r
}

// unmbox splits an mboxrd file back into messages, drops the headers the
// connector added and undoes the escaping: the result must be the source's
// raw bytes.
func unmbox(data []byte) [][]byte {
	var out [][]byte
	for _, chunk := range regexp.MustCompile(`(?m)^From .*\n`).Split(string(data), -1)[1:] {
		chunk = strings.TrimSuffix(chunk, "\n") // the blank separator line
		lines := strings.SplitAfter(chunk, "\n")
		var b bytes.Buffer
		for i, l := range lines {
			if i < 2 && (strings.HasPrefix(l, "X-GM-THRID: ") || strings.HasPrefix(l, "X-Gmail-Labels: ")) {
				continue
			}
			if regexp.MustCompile(`^>+From `).MatchString(l) {
				l = l[1:]
			}
			b.WriteString(l)
		}
		out = append(out, b.Bytes())
	}
	return out
}

func TestMboxHoldsTheSourceBytesExactly(t *testing.T) {
	env, a, r := exportUser(t, true)
	got := map[string]bool{}
	for _, e := range r.Entries() {
		for _, m := range unmbox(e.Data) {
			s := sha256.Sum256(m)
			got[hex.EncodeToString(s[:])] = true
		}
	}
	truth := env.Truth(a, export.Gmail)
	for _, it := range truth {
		if !got[it.SHA256] {
			t.Errorf("message %s (%q) is not in the mbox byte for byte", it.ItemID, it.Name)
		}
	}
	if len(got) != len(truth) {
		t.Errorf("%d messages in the mbox files, %d in the mailbox", len(got), len(truth))
	}
}

const readMbox = `
import email, email.policy, mailbox, sys
parse = lambda f: email.message_from_binary_file(f, policy=email.policy.default)
for path in sys.argv[1:]:
    for m in mailbox.mbox(path, factory=parse):
        print(m["X-GM-THRID"], "|", m["X-Gmail-Labels"], "|", m["Subject"])
`

func TestPythonMailboxReadsEveryMessage(t *testing.T) {
	env, _, r := exportUser(t, true)
	out := connectortest.ReadWithPython(t, readMbox, r.Entries())
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(r.Items()) {
		t.Fatalf("Python read %d messages, the export has %d:\n%s", len(lines), len(r.Items()), out)
	}
	for _, l := range lines {
		f := strings.Split(l, " | ")
		if len(f) != 3 || !regexp.MustCompile(`^\d+$`).MatchString(f[0]) || f[1] == "None" || f[2] == "None" {
			t.Errorf("message read back without thread id, labels or subject: %q", l)
		}
	}
	// The labels read back are the mailbox's, by name (Takeout's names for
	// the system labels).
	names := map[string]string{"INBOX": "Inbox", "SENT": "Sent", "IMPORTANT": "Important", "TRASH": "Trash", "SPAM": "Spam"}
	for _, l := range env.Server.Org().Labels(0) {
		if !l.System {
			names[l.ID] = l.Name
		}
	}
	var want, got []string
	for j := range env.Server.Org().MessageCount(0) {
		var ls []string
		for _, id := range env.Server.Org().Message(0, j).LabelIDs {
			ls = append(ls, names[id])
		}
		want = append(want, strings.Join(ls, ","))
	}
	for _, l := range lines {
		got = append(got, strings.Split(l, " | ")[1])
	}
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(want, "\n") != strings.Join(got, "\n") {
		t.Errorf("labels read back:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestSegmentsAreNeverEmptyExceptAnEmptyMailbox(t *testing.T) {
	env := connectortest.Start(t, synth.Tiny(7))
	c := gmail.New(env.Factory, gmail.Options{CheckpointBytes: 1, PageSize: 2})
	a := env.Accounts()[0]
	r, err := connectortest.ExportAll(context.Background(), c, a, func(int, string) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Entries()) < 3 {
		t.Fatalf("%d mbox files for 1-byte checkpoints, want one per batch", len(r.Entries()))
	}
	for i, e := range r.Entries() {
		want := "Mail/All mail Including Spam and Trash.mbox"
		if i > 0 {
			want = fmt.Sprintf("Mail/All mail Including Spam and Trash-%d.mbox", i+1)
		}
		if e.Path != want || len(e.Data) == 0 {
			t.Errorf("entry %d: %q with %d bytes, want %q, not empty", i, e.Path, len(e.Data), want)
		}
	}

	opts := synth.Tiny(7)
	opts.MetadataOnly = true
	empty := connectortest.Start(t, opts)
	r, err = connectortest.ExportAll(context.Background(), gmail.New(empty.Factory, gmail.Options{}), empty.Accounts()[0], nil)
	if err != nil || len(r.Entries()) != 1 || len(r.Entries()[0].Data) != 0 {
		t.Fatalf("empty mailbox: %v, %v", err, r)
	}
}
