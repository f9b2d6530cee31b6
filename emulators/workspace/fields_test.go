package workspace

import (
	"encoding/json"
	"testing"
)

func TestFieldSelections(t *testing.T) {
	v := obj{"kind": "k", "nextPageToken": "2", "files": []obj{
		{"id": "a", "name": "n", "owners": []obj{{"emailAddress": "e", "displayName": "d"}}, "size": "3"}}}
	for mask, want := range map[string]string{
		"nextPageToken,files(id,owners(emailAddress))": `{"files":[{"id":"a","owners":[{"emailAddress":"e"}]}],"nextPageToken":"2"}`,
		"files/id, kind":  `{"files":[{"id":"a"}],"kind":"k"}`,
		"files":           `{"files":[{"id":"a","name":"n","owners":[{"displayName":"d","emailAddress":"e"}],"size":"3"}]}`,
		"files(id),files": `{"files":[{"id":"a","name":"n","owners":[{"displayName":"d","emailAddress":"e"}],"size":"3"}]}`,
		"missing":         `{}`,
	} {
		sel, err := parseFields(mask)
		if err != nil {
			t.Fatalf("%q: %v", mask, err)
		}
		b, _ := json.Marshal(sel.apply(v))
		if string(b) != want {
			t.Errorf("%q: %s, want %s", mask, b, want)
		}
	}
	for _, bad := range []string{"files(id", "", "a,,b", "files(id))"} {
		if _, err := parseFields(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
