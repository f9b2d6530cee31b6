package conformance

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Documents are the discovery documents of the emulated APIs, by the
// emulator's API key, relative to google.golang.org/api's module
// directory.
var Documents = map[string]string{
	"directory": "admin/directory/v1/admin-api.json", "gmail": "gmail/v1/gmail-api.json",
	"drive": "drive/v3/drive-api.json", "calendar": "calendar/v3/calendar-api.json",
	"people": "people/v1/people-api.json", "tasks": "tasks/v1/tasks-api.json", "keep": "keep/v1/keep-api.json",
	"groupssettings": "groupssettings/v1/groupssettings-api.json", "chat": "chat/v1/chat-api.json",
	"classroom": "classroom/v1/classroom-api.json", "vault": "vault/v1/vault-api.json",
	"storage": "storage/v1/storage-api.json", "reports": "admin/reports/v1/admin-api.json",
}

// Doc is the part of a discovery document the checks read.
type Doc struct {
	Name        string             `json:"name"`
	Version     string             `json:"version"`
	ServicePath string             `json:"servicePath"`
	Parameters  map[string]*Param  `json:"parameters"`
	Resources   map[string]*Res    `json:"resources"`
	Schemas     map[string]*Schema `json:"schemas"`
}

// Res is a resource: methods and sub-resources.
type Res struct {
	Methods   map[string]*DocMethod `json:"methods"`
	Resources map[string]*Res       `json:"resources"`
}

// DocMethod is a method of a discovery document.
type DocMethod struct {
	ID         string            `json:"id"`
	Path       string            `json:"path"`
	FlatPath   string            `json:"flatPath"`
	HTTPMethod string            `json:"httpMethod"`
	Parameters map[string]*Param `json:"parameters"`
	Request    *Schema           `json:"request"`
	Response   *Schema           `json:"response"`
}

// Param is a method's (or the API's standard) parameter.
type Param struct {
	Location string   `json:"location,omitempty"`
	Type     string   `json:"type"`
	Format   string   `json:"format,omitempty"`
	Enum     []string `json:"enum,omitempty"`
	Repeated bool     `json:"repeated,omitempty"`
	Required bool     `json:"required,omitempty"`
	// Minimum and Maximum bound an integer; a value outside is refused
	// unless Coerced (the description says larger values are changed to
	// the maximum, as Drive's and Chat's do).
	Minimum     string `json:"minimum,omitempty"`
	Maximum     string `json:"maximum,omitempty"`
	Coerced     bool   `json:"coerced,omitempty"`
	Description string `json:"description,omitempty"`
}

// Schema is a JSON schema of a discovery document.
type Schema struct {
	Ref                  string             `json:"$ref"`
	Type                 string             `json:"type"`
	Format               string             `json:"format"`
	Enum                 []string           `json:"enum"`
	Properties           map[string]*Schema `json:"properties"`
	Items                *Schema            `json:"items"`
	AdditionalProperties *Schema            `json:"additionalProperties"`
}

var (
	modOnce sync.Once
	modDir  string
	modErr  error
	docs    sync.Map // rel → *Doc
)

// moduleDir is google.golang.org/api's directory in the module cache.
func moduleDir() (string, error) {
	modOnce.Do(func() {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "google.golang.org/api").Output()
		if err != nil {
			modErr = fmt.Errorf("conformance: locate google.golang.org/api: %w", err)
			return
		}
		modDir = strings.TrimSpace(string(out))
	})
	return modDir, modErr
}

// Load reads the discovery document of an API (a key of Documents).
func Load(api string) (*Doc, error) {
	rel, ok := Documents[api]
	if !ok {
		return nil, fmt.Errorf("conformance: no discovery document for %q", api)
	}
	if d, ok := docs.Load(rel); ok {
		return d.(*Doc), nil
	}
	dir, err := moduleDir()
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		return nil, err
	}
	var d Doc
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("conformance: %s: %w", rel, err)
	}
	docs.Store(rel, &d)
	return &d, nil
}

// Methods lists the document's methods, sorted by id.
func (d *Doc) Methods() []*DocMethod {
	var out []*DocMethod
	var walk func(r map[string]*Res)
	walk = func(rs map[string]*Res) {
		for _, r := range rs {
			for _, m := range r.Methods {
				out = append(out, m)
			}
			walk(r.Resources)
		}
	}
	walk(d.Resources)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
