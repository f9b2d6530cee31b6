package vault

import (
	"encoding/json"
	"fmt"
)

// Stages of the export, in order; the cursor names the next one.
const (
	stageMatters = ""
	stageCreate  = "create"
	stageWait    = "wait"
	stageCopy    = "copy"
	stageDone    = "done"
)

// cursor is where a Vault export resumes, as JSON.
type cursor struct {
	Stage  string `json:"s,omitempty"`
	Matter string `json:"m,omitempty"`
	// File counts the files already copied, in the order of files().
	File int `json:"f,omitempty"`
	// Entry counts the entries of file File already written, for a zip
	// unpacked file by file (the Drive files of suspended accounts).
	Entry int `json:"n,omitempty"`
	// Broken names the Vault exports with a file that did not arrive whole.
	Broken []string `json:"b,omitempty"`
}

func parseCursor(s string) (cursor, error) {
	var c cursor
	if s == "" {
		return c, nil
	}
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return c, fmt.Errorf("vault: bad cursor %q", s)
	}
	return c, nil
}

func (c cursor) String() string {
	b, _ := json.Marshal(c)
	return string(b)
}
