package fieldmask_test

import (
	"encoding/json"
	"testing"

	"github.com/orgexport/orgexport/emulators/fieldmask"
)

func TestMasks(t *testing.T) {
	v := map[string]any{"kind": "k", "nextPageToken": "2", "files": []map[string]any{
		{"id": "a", "name": "n", "owners": []map[string]any{{"emailAddress": "e", "displayName": "d"}}, "size": "3"}}}
	for mask, want := range map[string]string{
		"nextPageToken,files(id,owners(emailAddress))": `{"files":[{"id":"a","owners":[{"emailAddress":"e"}]}],"nextPageToken":"2"}`,
		"files/id, kind":             `{"files":[{"id":"a"}],"kind":"k"}`,
		"files":                      `{"files":[{"id":"a","name":"n","owners":[{"displayName":"d","emailAddress":"e"}],"size":"3"}]}`,
		"files(id),files":            `{"files":[{"id":"a","name":"n","owners":[{"displayName":"d","emailAddress":"e"}],"size":"3"}]}`,
		"files(id),files(size)":      `{"files":[{"id":"a","size":"3"}]}`,
		"files/owners/emailAddress":  `{"files":[{"owners":[{"emailAddress":"e"}]}]}`,
		"files(*),kind":              `{"files":[{"id":"a","name":"n","owners":[{"displayName":"d","emailAddress":"e"}],"size":"3"}],"kind":"k"}`,
		"files(owners(displayName))": `{"files":[{"owners":[{"displayName":"d"}]}]}`,
		"missing":                    `{}`,
	} {
		m, err := fieldmask.Parse(mask)
		if err != nil {
			t.Fatalf("%q: %v", mask, err)
		}
		b, _ := json.Marshal(m.Apply(v))
		if string(b) != want {
			t.Errorf("%q: %s, want %s", mask, b, want)
		}
	}
	for _, bad := range []string{"files(id", "", "a,,b", "files(id))", "a//b", "(id)"} {
		if _, err := fieldmask.Parse(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
