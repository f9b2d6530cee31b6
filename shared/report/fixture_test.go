package report

import (
	"errors"
	"iter"
	"time"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

const xssName = `<img src=x onerror=alert(1)>`

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func failures(fs ...connector.Failure) iter.Seq2[connector.Failure, error] {
	return func(yield func(connector.Failure, error) bool) {
		for _, f := range fs {
			if !yield(f, nil) {
				return
			}
		}
	}
}

func accounts(as ...Account) iter.Seq2[Account, error] {
	return func(yield func(Account, error) bool) {
		for _, a := range as {
			if !yield(a, nil) {
				return
			}
		}
	}
}

// sampleInput is a small export with every kind of content, accounts in
// no particular order.
func sampleInput() Input {
	loc := time.FixedZone("CET", 3600)
	return Input{
		Export: Export{
			CustomerID: "C01abcd", Domain: "example.com", ExportID: "exp-2026-11-01",
			RequestedBy: "root@example.com",
			RequestedAt: at("2026-11-01T09:00:00Z"), HoldEnd: at("2026-11-03T09:00:00Z"),
			CutOff: at("2026-11-02T09:00:00Z"), StartedAt: at("2026-11-03T09:00:05+01:00").In(loc),
			FinishedAt: at("2026-11-04T17:30:00Z"), State: export.CompletedWithErrors,
		},
		Unsupported: []Unsupported{
			{Product: export.Voice, DataType: "Number porting orders", Reason: "no public API"},
			{Product: export.CloudSearch, Reason: "admin-only product without an export API"},
			{Product: export.Chat, DataType: "Chat (Old project)", Reason: "the space has no member in the organisation",
				Account: "AAAAorph4n", AccountName: "Old project"},
		},
		Accounts: accounts(
			Account{Type: export.User, ID: "zoe@example.com",
				Parts:    []string{"users/zoe@example.com/zoe@example.com-001.zip"},
				Products: []ProductCount{{export.Gmail, 120, 0, false}, {export.Drive, 30, 0, false}}},
			Account{Type: export.User, ID: "bob@example.com",
				Parts:    []string{"users/bob@example.com/bob@example.com-001.zip", "users/bob@example.com/bob@example.com-002.zip"},
				Products: []ProductCount{{export.Gmail, 500, 1, false}, {export.Drive, 40, 2, false}},
				Failures: failures(
					connector.Failure{Product: export.Drive, ItemID: "1AbC", Path: "Drive/" + xssName, Reason: "export limit exceeded"},
					connector.Failure{Product: export.Drive, ItemID: "2DeF", Path: "Drive/<script>alert(2)</script>.txt", Reason: "permission denied & <b>bold</b>"},
					connector.Failure{Product: export.Gmail, ItemID: "18c2f0", Reason: "message too large"},
				)},
			Account{Type: export.Group, ID: "Alice-team@example.com",
				Parts:    []string{"groups/Alice-team@example.com/Alice-team@example.com-001.zip"},
				Products: []ProductCount{{export.Groups, 12, 0, false}},
				Errors:   []string{"Groups: settings could not be read: 503 backend error"}},
			Account{Type: export.Customer, ID: "Shared drive #1 ?q=a&b", Name: "Finance & <Legal>",
				Parts:    []string{"customer/Shared drive #1 ?q=a&b/Shared drive #1 ?q=a&b-001.zip"},
				Products: []ProductCount{{export.Drive, 7, 1, false}},
				Failures: failures(connector.Failure{Product: export.Drive, ItemID: "9xY", Path: "Drive/Budget 2026.xlsx", Reason: "file is larger than the export limit"})},
			Account{Type: export.ServiceAccount, ID: "jamboard-owner",
				Products: []ProductCount{}},
			Account{Type: export.User, ID: "sam@example.com", Suspended: true,
				Products: []ProductCount{{export.Gmail, 0, 0, false}, {export.Drive, 0, 0, false}},
				Errors: []string{"Drive: not available for a suspended account: Google refuses to read a suspended account's data through domain-wide delegation",
					"Gmail: not available for a suspended account: Google refuses to read a suspended account's data through domain-wide delegation"}},
			Account{Type: export.User, ID: "alice@example.com",
				Parts:    []string{"users/alice@example.com/alice@example.com-001.zip"},
				Products: []ProductCount{{export.Gmail, 10, 0, false}, {export.Calendar, 3, 0, false}}},
		),
	}
}

// namesOf returns the ids in slice order.
func namesOf(as []Account) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

var errBroken = errors.New("failure list truncated")

func brokenFailures() iter.Seq2[connector.Failure, error] {
	return func(yield func(connector.Failure, error) bool) {
		if !yield(connector.Failure{Product: export.Drive, ItemID: "a", Reason: "r"}, nil) {
			return
		}
		yield(connector.Failure{}, errBroken)
	}
}
