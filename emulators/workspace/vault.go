package workspace

import (
	"archive/zip"
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

// Google Vault (vault/v1): matters, their holds (read only) and exports to
// Cloud Storage, whose files are read through storage/v1 (getObject,
// in this file's second half). State lives in memory per organisation; the
// synth matters are its first content. Only super admins of an
// organisation with Options.Vault are answered.

// VaultBucket is the Cloud Storage bucket Vault exports are written to.
const VaultBucket = "emulator-vault-exports"

// maxVaultExportsInProgress is the organisation's limit of exports running
// at once; one more is refused with 429 RESOURCE_EXHAUSTED.
const maxVaultExportsInProgress = 20

var (
	vaultCorpora = []string{"MAIL", "DRIVE", "GROUPS", "HANGOUTS_CHAT", "VOICE", "CALENDAR"}
	vaultMethods = []string{"ACCOUNT", "ORG_UNIT", "TEAM_DRIVE", "ENTIRE_ORG", "ROOM", "SITES_URL", "SHARED_DRIVE"}
	vaultScopes  = []string{"ALL_DATA", "HELD_DATA", "UNPROCESSED_DATA"}
)

// vaultState is one organisation's Vault. Its zero value is ready: the
// synth matters are added on first use.
type vaultState struct {
	mu      sync.Mutex
	matters map[string]*vaultMatter
	order   []string // matter ids, oldest first
	seq     int      // ids handed out
	objects map[string]*vaultObject
}

type vaultMatter struct {
	synth.Matter
	owner   string // account id of the OWNER
	exports []*vaultExport
}

type vaultExport struct {
	id, name, matterID string
	corpus             string
	scope              []string // emails of the accounts exported
	start, end         time.Time
	mail               mailTerms // which mail a MAIL export holds
	dataScope          string
	query, options     json.RawMessage
	requester          synth.User
	created            time.Time
	status             string
	files              []string // object names
	artifacts          int
	size               int64
}

// vaultQuery is the part of an export's query the emulator interprets.
type vaultQuery struct {
	Corpus       string `json:"corpus"`
	DataScope    string `json:"dataScope"`
	Method       string `json:"method"`
	SearchMethod string `json:"searchMethod"`
	AccountInfo  *struct {
		Emails []string `json:"emails"`
	} `json:"accountInfo"`
	OrgUnitInfo *struct {
		OrgUnitID string `json:"orgUnitId"`
	} `json:"orgUnitInfo"`
	StartTime    string           `json:"startTime"`
	EndTime      string           `json:"endTime"`
	Terms        string           `json:"terms"`
	DriveOptions *vaultDriveQuery `json:"driveOptions"`
	MailOptions  json.RawMessage  `json:"mailOptions"`
}

// vaultDriveQuery is a query's driveOptions (Drive search options).
type vaultDriveQuery struct {
	IncludeSharedDrives       *bool  `json:"includeSharedDrives"`
	IncludeTeamDrives         *bool  `json:"includeTeamDrives"`
	SharedDrivesOption        string `json:"sharedDrivesOption"`
	VersionDate               string `json:"versionDate"`
	ClientSideEncryptedOption string `json:"clientSideEncryptedOption"`
}

// vaultExportOptions is the part of exportOptions the emulator checks:
// the options of one corpus go only with that corpus.
type vaultExportOptions struct {
	MailOptions         json.RawMessage `json:"mailOptions"`
	DriveOptions        json.RawMessage `json:"driveOptions"`
	GroupsOptions       json.RawMessage `json:"groupsOptions"`
	HangoutsChatOptions json.RawMessage `json:"hangoutsChatOptions"`
	VoiceOptions        json.RawMessage `json:"voiceOptions"`
	CalendarOptions     json.RawMessage `json:"calendarOptions"`
	Region              string          `json:"region"`
}

var (
	sharedDrivesOptions = []string{"SHARED_DRIVES_OPTION_UNSPECIFIED", "NOT_INCLUDED", "INCLUDED_IF_ACCOUNT_IS_NOT_A_MEMBER", "INCLUDED"}
	cseOptions          = []string{"CLIENT_SIDE_ENCRYPTED_OPTION_UNSPECIFIED", "CLIENT_SIDE_ENCRYPTED_OPTION_ANY",
		"CLIENT_SIDE_ENCRYPTED_OPTION_ENCRYPTED", "CLIENT_SIDE_ENCRYPTED_OPTION_UNENCRYPTED"}
)

// checkCorpusOptions refuses options meant for another corpus than the
// query's, and Drive options Vault does not know.
func checkCorpusOptions(q vaultQuery, raw json.RawMessage) error {
	var eo vaultExportOptions
	if len(raw) > 0 && json.Unmarshal(raw, &eo) != nil {
		return badRequest("Invalid value for exportOptions.")
	}
	for _, o := range []struct {
		field, corpus string
		set           bool
	}{
		{"query.driveOptions", "DRIVE", q.DriveOptions != nil},
		{"query.mailOptions", "MAIL", len(q.MailOptions) > 0 && string(q.MailOptions) != "null"},
		{"exportOptions.driveOptions", "DRIVE", present(eo.DriveOptions)},
		{"exportOptions.mailOptions", "MAIL", present(eo.MailOptions)},
		{"exportOptions.groupsOptions", "GROUPS", present(eo.GroupsOptions)},
		{"exportOptions.hangoutsChatOptions", "HANGOUTS_CHAT", present(eo.HangoutsChatOptions)},
		{"exportOptions.voiceOptions", "VOICE", present(eo.VoiceOptions)},
		{"exportOptions.calendarOptions", "CALENDAR", present(eo.CalendarOptions)},
	} {
		if o.set && q.Corpus != o.corpus {
			return badRequest(fmt.Sprintf("%s is only for corpus %s, not %s.", o.field, o.corpus, q.Corpus))
		}
	}
	if eo.Region != "" && !slices.Contains([]string{"EXPORT_REGION_UNSPECIFIED", "ANY", "US", "EUROPE"}, eo.Region) {
		return badRequest("Invalid value for exportOptions.region: " + eo.Region)
	}
	d := q.DriveOptions
	if d == nil {
		return nil
	}
	switch {
	case d.SharedDrivesOption != "" && !slices.Contains(sharedDrivesOptions, d.SharedDrivesOption):
		return badRequest("Invalid value for query.driveOptions.sharedDrivesOption: " + d.SharedDrivesOption)
	case d.ClientSideEncryptedOption != "" && !slices.Contains(cseOptions, d.ClientSideEncryptedOption):
		return badRequest("Invalid value for query.driveOptions.clientSideEncryptedOption: " + d.ClientSideEncryptedOption)
	}
	if _, err := optionalTime("query.driveOptions.versionDate", d.VersionDate); err != nil {
		return err
	}
	return nil
}

func present(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }

// mailTerms is the one search term the emulator interprets, Gmail's
// label:^deleted (messages users deleted that Vault still keeps): with
// it only those, with -label:^deleted only the live mailbox, without
// either both, as a Vault search of all data gives.
type mailTerms int

const (
	mailAll mailTerms = iota
	mailDeleted
	mailLive
)

func parseMailTerms(terms string) mailTerms {
	for _, t := range strings.Fields(terms) {
		switch t {
		case "label:^deleted":
			return mailDeleted
		case "-label:^deleted":
			return mailLive
		}
	}
	return mailAll
}

func failedPrecondition(msg string) problemError {
	return problemError{apiError: apiError{400, "failedPrecondition", msg}, status: "FAILED_PRECONDITION"}
}

func vaultDenied() apiError {
	return apiError{403, "forbidden", "The caller does not have permission"}
}

func (s *Server) vaultRoutes(api func(string, string, http.HandlerFunc)) {
	v := func(pattern string, h func(http.ResponseWriter, *http.Request) error) {
		api("vault", pattern, handle(s.vaultAllowed(h)))
	}
	v("GET /v1/matters", s.listMatters)
	v("POST /v1/matters", s.createMatter)
	v("GET /v1/matters/{matterId}", s.getMatter)
	v("POST /v1/matters/{rest}", s.matterAction) // {matterId}:close and :reopen
	v("DELETE /v1/matters/{matterId}", s.deleteMatter)
	v("GET /v1/matters/{matterId}/holds", s.listHolds)
	v("POST /v1/matters/{matterId}/exports", s.createExport)
	v("GET /v1/matters/{matterId}/exports", s.listExports)
	v("GET /v1/matters/{matterId}/exports/{exportId}", s.getExport)
	v("DELETE /v1/matters/{matterId}/exports/{exportId}", s.deleteExport)
	api("storage", "GET /storage/v1/b/{bucket}/o/{object...}", handle(s.getObject))
}

// vaultAllowed lets through super admins of an organisation with Vault
// licences who hold the Vault privileges (not in the faults' NoVaultPrivilege).
func (s *Server) vaultAllowed(h func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		u := subject(r)
		if !s.org.Options().Vault || !u.Admin || u.Suspended || slices.ContainsFunc(s.faults.get().NoVaultPrivilege,
			func(e string) bool { return strings.EqualFold(e, u.Email) }) {
			return vaultDenied()
		}
		return h(w, r)
	}
}

// lockVault locks the state, adding the synth matters on first use; the
// caller unlocks s.vault.mu.
func (s *Server) lockVault() *vaultState {
	v := &s.vault
	v.mu.Lock()
	if v.matters == nil {
		v.matters, v.objects = map[string]*vaultMatter{}, map[string]*vaultObject{}
		owner := s.org.Users()[0].ID
		for _, m := range s.org.VaultMatters() {
			v.matters[m.ID] = &vaultMatter{Matter: m, owner: owner}
			v.order = append(v.order, m.ID)
		}
	}
	return v
}

// newID is a UUID-shaped id unique to the organisation (its domain) and n.
func (s *Server) newID(n int) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(strings.ToLower(s.org.Options().Domain)))
	d := h.Sum64()
	return fmt.Sprintf("%08x-%04x-4%03x-a000-%012x", uint32(d>>32), uint16(d>>16), uint16(d)&0xfff, n)
}

func (v *vaultState) matter(id string) (*vaultMatter, error) {
	m, ok := v.matters[id]
	if !ok {
		return nil, notFound("Matter " + id + " not found.")
	}
	return m, nil
}

func (m *vaultMatter) json(full bool) obj {
	o := obj{"matterId": m.ID, "name": m.Name, "state": m.State}
	if m.Description != "" {
		o["description"] = m.Description
	}
	if full {
		o["matterPermissions"] = []obj{{"role": "OWNER", "accountId": m.owner}}
	}
	return o
}

// createMatter is matters.create: the caller owns the new OPEN matter.
func (s *Server) createMatter(w http.ResponseWriter, r *http.Request) error {
	var in struct{ Name, Description string }
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil {
		return badRequest("Invalid JSON payload: " + err.Error())
	}
	if strings.TrimSpace(in.Name) == "" {
		return badRequest("Matter name is required.")
	}
	v := s.lockVault()
	defer v.mu.Unlock()
	v.seq++
	m := &vaultMatter{Matter: synth.Matter{ID: s.newID(v.seq), Name: in.Name, Description: in.Description, State: "OPEN"}, owner: subject(r).ID}
	v.matters[m.ID] = m
	v.order = append(v.order, m.ID)
	reply(w, r, m.json(true), "")
	return nil
}

// listMatters is matters.list: state filters (default: all but DELETED),
// view=FULL adds permissions.
func (s *Server) listMatters(w http.ResponseWriter, r *http.Request) error {
	state := r.URL.Query().Get("state")
	if state != "" && state != "STATE_UNSPECIFIED" && !slices.Contains([]string{"OPEN", "CLOSED", "DELETED"}, state) {
		return badRequest("Invalid value for state: " + state)
	}
	start, size, err := page(r, "pageSize", 100, 100)
	if err != nil {
		return err
	}
	v := s.lockVault()
	defer v.mu.Unlock()
	var shown []*vaultMatter
	for _, id := range v.order {
		m := v.matters[id]
		all := state == "" || state == "STATE_UNSPECIFIED"
		if (all && m.State != "DELETED") || m.State == state {
			shown = append(shown, m)
		}
	}
	end := min(len(shown), start+size)
	items := []obj{}
	for _, m := range shown[min(start, end):end] {
		items = append(items, m.json(r.URL.Query().Get("view") == "FULL"))
	}
	res := obj{"matters": items}
	setNext(res, end, len(shown))
	reply(w, r, res, "")
	return nil
}

func (s *Server) getMatter(w http.ResponseWriter, r *http.Request) error {
	v := s.lockVault()
	defer v.mu.Unlock()
	m, err := v.matter(r.PathValue("matterId"))
	if err != nil {
		return err
	}
	reply(w, r, m.json(r.URL.Query().Get("view") == "FULL"), "")
	return nil
}

// matterAction is POST /v1/matters/{matterId}:close and :reopen (one
// ServeMux segment cannot hold a wildcard and a literal).
func (s *Server) matterAction(w http.ResponseWriter, r *http.Request) error {
	id, action, _ := strings.Cut(r.PathValue("rest"), ":")
	t, ok := map[string][2]string{"close": {"OPEN", "CLOSED"}, "reopen": {"CLOSED", "OPEN"}}[action]
	if !ok {
		return notFound("Not Found: POST " + r.URL.Path)
	}
	from, to := t[0], t[1]
	v := s.lockVault()
	defer v.mu.Unlock()
	m, err := v.matter(id)
	if err != nil {
		return err
	}
	if m.State != from {
		return failedPrecondition(fmt.Sprintf("Matter %s is %s; only a %s matter can be %sd.", m.ID, m.State, from, action))
	}
	m.State = to
	reply(w, r, obj{"matter": m.json(true)}, "")
	return nil
}

// deleteMatter is matters.delete: only a CLOSED matter; its exports and
// their files go with it.
func (s *Server) deleteMatter(w http.ResponseWriter, r *http.Request) error {
	v := s.lockVault()
	defer v.mu.Unlock()
	m, err := v.matter(r.PathValue("matterId"))
	if err != nil {
		return err
	}
	if m.State != "CLOSED" {
		return failedPrecondition("Matter " + m.ID + " must be closed before it is deleted.")
	}
	for _, e := range m.exports {
		v.dropFiles(e)
	}
	m.exports, m.State = nil, "DELETED"
	reply(w, r, m.json(true), "")
	return nil
}

// listHolds is holds.list: the synth holds, all on one page.
func (s *Server) listHolds(w http.ResponseWriter, r *http.Request) error {
	v := s.lockVault()
	defer v.mu.Unlock()
	m, err := v.matter(r.PathValue("matterId"))
	if err != nil {
		return err
	}
	items := []obj{}
	for _, h := range m.Holds {
		items = append(items, s.holdJSON(h))
	}
	reply(w, r, obj{"holds": items}, "")
	return nil
}

func (s *Server) holdJSON(h synth.Hold) obj {
	held := stamp(h.Updated)
	o := obj{"holdId": h.ID, "name": h.Name, "corpus": h.Corpus, "updateTime": held}
	if h.OrgUnit != "" {
		o["orgUnit"] = obj{"orgUnitId": s.org.OrgUnitID(h.OrgUnit), "holdTime": held}
		return o
	}
	accounts := []obj{}
	for _, i := range h.Accounts {
		u := s.org.Users()[i]
		accounts = append(accounts, obj{"accountId": u.ID, "email": u.Email, "firstName": u.GivenName, "lastName": u.FamilyName, "holdTime": held})
	}
	o["accounts"] = accounts
	return o
}

// createExport is exports.create. The export runs until the faults'
// VaultExportDelay has passed (see advance).
func (s *Server) createExport(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name          string          `json:"name"`
		Query         json.RawMessage `json:"query"`
		ExportOptions json.RawMessage `json:"exportOptions"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil {
		return badRequest("Invalid JSON payload: " + err.Error())
	}
	v := s.lockVault()
	defer v.mu.Unlock()
	m, err := v.matter(r.PathValue("matterId"))
	if err != nil {
		return err
	}
	if m.State != "OPEN" {
		return failedPrecondition("Matter " + m.ID + " is " + m.State + "; exports need an OPEN matter.")
	}
	e, err := s.newExport(in.Name, in.Query, in.ExportOptions)
	if err != nil {
		return err
	}
	for _, x := range m.exports {
		if x.name == e.name {
			return problemError{apiError: apiError{409, "alreadyExists", "An export named " + strconv.Quote(e.name) + " already exists in the matter."}, status: "ALREADY_EXISTS"}
		}
	}
	if s.exportsRunning(v) >= maxVaultExportsInProgress {
		return apiError{429, "rateLimitExceeded", fmt.Sprintf("The organisation already has %d exports in progress.", maxVaultExportsInProgress)}
	}
	v.seq++
	e.id, e.matterID, e.options = "exportly-"+s.newID(v.seq), m.ID, in.ExportOptions
	e.requester, e.created, e.status = subject(r), s.now(), "IN_PROGRESS"
	m.exports = append(m.exports, e)
	reply(w, r, e.json(), "")
	return nil
}

// newExport validates an export's name, query and options.
func (s *Server) newExport(name string, raw, options json.RawMessage) (*vaultExport, error) {
	if strings.TrimSpace(name) == "" {
		return nil, badRequest("Export name is required.")
	}
	var q vaultQuery
	if len(raw) == 0 || json.Unmarshal(raw, &q) != nil {
		return nil, badRequest("Export query is required.")
	}
	method := q.Method
	if method == "" {
		method = q.SearchMethod
	}
	switch {
	case q.Corpus == "":
		return nil, badRequest("query.corpus is required.")
	case !slices.Contains(vaultCorpora, q.Corpus):
		return nil, badRequest("Invalid value for query.corpus: " + q.Corpus)
	case method == "":
		return nil, badRequest("query.method is required.")
	case !slices.Contains(vaultMethods, method):
		return nil, badRequest("Invalid value for query.method: " + method)
	case q.DataScope != "" && !slices.Contains(vaultScopes, q.DataScope):
		return nil, badRequest("Invalid value for query.dataScope: " + q.DataScope)
	case q.Corpus == "GROUPS" && method != "ACCOUNT":
		return nil, badRequest("GROUPS exports need query.method ACCOUNT.")
	}
	if err := checkCorpusOptions(q, options); err != nil {
		return nil, err
	}
	e := &vaultExport{name: name, corpus: q.Corpus, query: raw, mail: parseMailTerms(q.Terms), dataScope: q.DataScope}
	var err error
	if e.start, err = optionalTime("query.startTime", q.StartTime); err != nil {
		return nil, err
	}
	if e.end, err = optionalTime("query.endTime", q.EndTime); err != nil {
		return nil, err
	}
	e.scope, err = s.exportScope(q, method)
	return e, err
}

func optionalTime(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return t, badRequest("Invalid value for " + field + ": " + v)
	}
	return t, nil
}

// exportScope lists the accounts an export covers: the emails given
// (ACCOUNT; groups for GROUPS, users otherwise), the users of an org unit
// and its children (ORG_UNIT), or every user (ENTIRE_ORG).
func (s *Server) exportScope(q vaultQuery, method string) ([]string, error) {
	var out []string
	switch method {
	case "ACCOUNT":
		if q.AccountInfo == nil || len(q.AccountInfo.Emails) == 0 {
			return nil, badRequest("query.accountInfo.emails is required for method ACCOUNT.")
		}
		for _, email := range q.AccountInfo.Emails {
			if q.Corpus == "GROUPS" {
				g, ok := s.group(email)
				if !ok || !strings.EqualFold(g.Email, email) {
					return nil, badRequest("Invalid group account: " + email)
				}
				out = append(out, g.Email)
				continue
			}
			u, ok := s.org.UserByEmail(email)
			if !ok {
				return nil, badRequest("Invalid user account: " + email)
			}
			out = append(out, u.Email)
		}
	case "ORG_UNIT":
		if q.OrgUnitInfo == nil {
			return nil, badRequest("query.orgUnitInfo.orgUnitId is required for method ORG_UNIT.")
		}
		ou, ok := s.org.OrgUnitByID(q.OrgUnitInfo.OrgUnitID)
		if !ok {
			return nil, badRequest("Invalid org unit: " + q.OrgUnitInfo.OrgUnitID)
		}
		for _, u := range s.org.Users() {
			if ou.Path == "/" || u.OrgUnitPath == ou.Path || strings.HasPrefix(u.OrgUnitPath, ou.Path+"/") {
				out = append(out, u.Email)
			}
		}
	case "ENTIRE_ORG":
		for _, u := range s.org.Users() {
			out = append(out, u.Email)
		}
	}
	return out, nil
}

// exportsRunning counts the organisation's exports still in progress.
func (s *Server) exportsRunning(v *vaultState) int {
	n := 0
	for _, m := range v.matters {
		for _, e := range m.exports {
			if e.status == "IN_PROGRESS" && !s.exportDue(e) {
				n++
			}
		}
	}
	return n
}

func (s *Server) exportDue(e *vaultExport) bool {
	return !s.now().Before(e.created.Add(time.Duration(s.faults.get().VaultExportDelay)))
}

// advance completes (or fails) an export whose time has come, generating
// its files once.
func (s *Server) advance(v *vaultState, e *vaultExport) error {
	if e.status != "IN_PROGRESS" || !s.exportDue(e) {
		return nil
	}
	if slices.Contains(s.faults.get().FailVaultCorpora, e.corpus) {
		e.status = "FAILED"
		return nil
	}
	if err := s.makeExportFiles(v, e); err != nil {
		return err
	}
	e.status = "COMPLETED"
	return nil
}

func (e *vaultExport) json() obj {
	o := obj{"id": e.id, "matterId": e.matterID, "name": e.name, "query": e.query, "status": e.status,
		"createTime": stamp(e.created), "requester": obj{"email": e.requester.Email, "displayName": e.requester.FullName()}}
	if len(e.options) > 0 {
		o["exportOptions"] = e.options
	}
	return o
}

// exportJSON adds a completed export's files and stats.
func (v *vaultState) exportJSON(e *vaultExport) obj {
	o := e.json()
	if e.status != "COMPLETED" {
		return o
	}
	files := []obj{}
	for _, name := range e.files {
		f := v.objects[name]
		files = append(files, obj{"bucketName": VaultBucket, "objectName": name, "size": strconv.Itoa(len(f.data)), "md5Hash": f.md5Hex()})
	}
	n := strconv.Itoa(e.artifacts)
	o["cloudStorageSink"] = obj{"files": files}
	o["stats"] = obj{"exportedArtifactCount": n, "totalArtifactCount": n, "sizeInBytes": strconv.FormatInt(e.size, 10)}
	return o
}

// export finds an export of a matter.
func (v *vaultState) export(r *http.Request) (*vaultMatter, int, error) {
	m, err := v.matter(r.PathValue("matterId"))
	if err != nil {
		return nil, 0, err
	}
	for i, e := range m.exports {
		if e.id == r.PathValue("exportId") {
			return m, i, nil
		}
	}
	return nil, 0, notFound("Export " + r.PathValue("exportId") + " not found.")
}

func (s *Server) getExport(w http.ResponseWriter, r *http.Request) error {
	v := s.lockVault()
	defer v.mu.Unlock()
	m, i, err := v.export(r)
	if err != nil {
		return err
	}
	if err := s.advance(v, m.exports[i]); err != nil {
		return err
	}
	reply(w, r, v.exportJSON(m.exports[i]), "")
	return nil
}

func (s *Server) listExports(w http.ResponseWriter, r *http.Request) error {
	start, size, err := page(r, "pageSize", 50, 100)
	if err != nil {
		return err
	}
	v := s.lockVault()
	defer v.mu.Unlock()
	m, err := v.matter(r.PathValue("matterId"))
	if err != nil {
		return err
	}
	end := min(len(m.exports), start+size)
	items := []obj{}
	for _, e := range m.exports[min(start, end):end] {
		if err := s.advance(v, e); err != nil {
			return err
		}
		items = append(items, v.exportJSON(e))
	}
	res := obj{"exports": items}
	setNext(res, end, len(m.exports))
	reply(w, r, res, "")
	return nil
}

// deleteExport is exports.delete; the export's files go with it.
func (s *Server) deleteExport(w http.ResponseWriter, r *http.Request) error {
	v := s.lockVault()
	defer v.mu.Unlock()
	m, i, err := v.export(r)
	if err != nil {
		return err
	}
	v.dropFiles(m.exports[i])
	m.exports = slices.Delete(m.exports, i, i+1)
	reply(w, r, obj{}, "")
	return nil
}

func (v *vaultState) dropFiles(e *vaultExport) {
	for _, name := range e.files {
		delete(v.objects, name)
	}
}

// Export files: a zip holding one mboxrd file per account with messages
// (MAIL: the user's retained mail; GROUPS: the group's conversations) and
// an XML file listing every artifact. They are made once, when the export
// completes, and kept until the export or its matter is deleted.

// vaultObject is one Cloud Storage object of an export; its bytes never
// change once made.
type vaultObject struct {
	contentType string
	data        []byte
	created     time.Time
}

func (o *vaultObject) md5() []byte {
	h := md5.Sum(o.data)
	return h[:]
}

// md5Hex is the digest as Vault's cloudStorageSink gives it.
func (o *vaultObject) md5Hex() string { return hex.EncodeToString(o.md5()) }

// vaultMetadata is the export's "-metadata.xml", in the EDRM XML shape of
// Vault's metadata files: one Document per exported message, its tags, and
// the file of the zip that holds it.
type vaultMetadata struct {
	XMLName     xml.Name        `xml:"Root"`
	Interchange string          `xml:"DataInterchangeType,attr"`
	Description string          `xml:"Description,attr"`
	Batch       vaultBatch      `xml:"Batch"`
	artifacts   []vaultArtifact // the Documents, before marshalling
}

type vaultBatch struct {
	Name      string          `xml:"name,attr"`
	Documents []vaultDocument `xml:"Documents>Document"`
}

type vaultDocument struct {
	DocID    string     `xml:"DocID,attr"`
	DocType  string     `xml:"DocType,attr"`
	MimeType string     `xml:"MimeType,attr"`
	Tags     []vaultTag `xml:"Tags>Tag"`
	File     vaultFile  `xml:"Files>File"`
}

type vaultTag struct {
	Name  string `xml:"TagName,attr"`
	Type  string `xml:"TagDataType,attr"`
	Value string `xml:"TagValue,attr"`
}

type vaultFile struct {
	Type     string            `xml:"FileType,attr"`
	External vaultExternalFile `xml:"ExternalFile"`
}

type vaultExternalFile struct {
	Path string `xml:"FilePath,attr"`
	Name string `xml:"FileName,attr"`
	Size int64  `xml:"FileSize,attr"`
	Hash string `xml:"Hash,attr"`
}

// vaultArtifact is one exported message: File is its mbox in the zip,
// Size and SHA256 are of its raw RFC 822 bytes (before mboxrd quoting).
type vaultArtifact struct {
	ID, Account, Corpus, File, Subject, Date string
	Size                                     int64
	SHA256                                   string
	// drive is set for a Drive file: its Document has the file's tags.
	drive *vaultDriveArtifact
}

// vaultDriveArtifact is what a Drive file's Document says beside its id:
// Dir is its folder in the zip (the account's email).
type vaultDriveArtifact struct {
	Dir, MimeType, Title, Owner, Created, Modified string
}

func (a vaultArtifact) document() vaultDocument {
	if d := a.drive; d != nil {
		return vaultDocument{DocID: a.ID, DocType: "File", MimeType: d.MimeType,
			Tags: []vaultTag{{"#Title", "Text", d.Title}, {"#Author", "Text", d.Owner}, {"Owner", "Text", d.Owner},
				{"#DateCreated", "DateTime", d.Created}, {"#DateModified", "DateTime", d.Modified},
				{"Account", "Text", a.Account}, {"Corpus", "Text", a.Corpus}},
			File: vaultFile{Type: "Native", External: vaultExternalFile{Path: d.Dir, Name: a.File, Size: a.Size, Hash: a.SHA256}}}
	}
	return vaultDocument{DocID: a.ID, DocType: "Message", MimeType: "message/rfc822",
		Tags: []vaultTag{{"#Subject", "Text", a.Subject}, {"#DateSent", "DateTime", a.Date},
			{"Account", "Text", a.Account}, {"Corpus", "Text", a.Corpus}},
		File: vaultFile{Type: "Native", External: vaultExternalFile{Name: a.File, Size: a.Size, Hash: a.SHA256}}}
}

// vaultMessage is one message to export.
type vaultMessage struct {
	id, subject string
	date        time.Time
	raw         []byte
}

// messagesOf returns the account's messages in the export's corpus and
// time range (startTime and endTime, when set).
func (s *Server) messagesOf(e *vaultExport, account string) []vaultMessage {
	var all []vaultMessage
	switch e.corpus {
	case "MAIL":
		u, _ := s.org.UserByEmail(account)
		if e.mail != mailDeleted && s.org.HasData() {
			// The live mailbox, suspended or not: Vault reads a
			// suspended account's mail (support.google.com/vault/answer/2539616).
			for j := range s.org.MessageCount(u.Index) {
				m := s.org.Message(u.Index, j)
				all = append(all, vaultMessage{m.ID, m.Subject, m.Internal, s.org.Raw(u.Index, j)})
			}
		}
		if e.mail != mailLive {
			for j := range s.org.RetainedCount(u.Index) {
				m := s.org.Retained(u.Index, j)
				all = append(all, vaultMessage{m.ID, m.Subject, m.Date, s.org.RetainedRaw(u.Index, j)})
			}
		}
	case "GROUPS":
		g, _ := s.group(account)
		for j := range s.org.GroupPostCount(g.Index) {
			p := s.org.GroupPost(g.Index, j)
			all = append(all, vaultMessage{p.ID, p.Subject, p.Date, s.org.GroupPostRaw(g.Index, j)})
		}
	}
	var out []vaultMessage
	for _, m := range all {
		if (e.end.IsZero() || !m.date.After(e.end)) && (e.start.IsZero() || !m.date.Before(e.start)) {
			out = append(out, m)
		}
	}
	return out
}

// makeExportFiles makes the export's files: "<prefix>-1.zip" when any message
// or Drive file is in scope, and always "<prefix>-metadata.xml", where prefix is
// "<matterId>/exports/<exportId>/<sanitised name>-<corpus>".
func (s *Server) makeExportFiles(v *vaultState, e *vaultExport) error {
	prefix := e.matterID + "/exports/" + e.id + "/" + sanitiseExportName(e.name) + "-" + e.corpus
	meta := vaultMetadata{Interchange: "Update", Description: "Vault export " + e.id + " of matter " + e.matterID,
		Batch: vaultBatch{Name: e.name, Documents: []vaultDocument{}}}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	seen := map[string]bool{}
	for _, account := range e.scope {
		msgs := s.messagesOf(e, account)
		if len(msgs) == 0 || seen[account] {
			continue
		}
		seen[account] = true
		file := account + ".mbox"
		f, err := zw.CreateHeader(&zip.FileHeader{Name: file, Method: zip.Deflate, Modified: e.created})
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if _, err := f.Write(mboxrd(m)); err != nil {
				return err
			}
			meta.artifacts = append(meta.artifacts, vaultArtifact{ID: m.id, Account: account, Corpus: e.corpus, File: file,
				Subject: m.subject, Date: stamp(m.date), Size: int64(len(m.raw)), SHA256: sha256Hex(m.raw)})
		}
	}
	if err := s.writeDriveFiles(e, zw, &meta); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	for _, a := range meta.artifacts {
		meta.Batch.Documents = append(meta.Batch.Documents, a.document())
	}
	if len(meta.artifacts) > 0 {
		v.put(e, prefix+"-1.zip", "application/zip", buf.Bytes())
	}
	x, err := xml.MarshalIndent(meta, "", "  ")
	if err != nil {
		return err
	}
	v.put(e, prefix+"-metadata.xml", "text/xml", append([]byte(xml.Header), append(x, '\n')...))
	e.artifacts = len(meta.artifacts)
	return nil
}

func (v *vaultState) put(e *vaultExport, name, contentType string, data []byte) {
	v.objects[name] = &vaultObject{contentType: contentType, data: data, created: e.created}
	e.files = append(e.files, name)
	e.size += int64(len(data))
}

// mboxrd frames one message: a "From <id>@xxx <date>" line, the raw bytes
// (CRLF kept) with every line matching ^>*From  quoted by one more '>',
// a line end if the message lacks one, and one empty line ("\n").
func mboxrd(m vaultMessage) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From %s@xxx %s\n", m.id, m.date.UTC().Format(time.ANSIC))
	for line := range bytes.Lines(m.raw) {
		if bytes.HasPrefix(bytes.TrimLeft(line, ">"), []byte("From ")) {
			b.WriteByte('>')
		}
		b.Write(line)
	}
	if !bytes.HasSuffix(m.raw, []byte("\n")) {
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// sanitiseExportName keeps letters, digits, '.', '_' and '-' of an export's
// name for its file names; anything else becomes '_'.
func sanitiseExportName(name string) string {
	out := []rune{}
	for _, c := range name {
		if len(out) == 100 {
			break
		}
		if c < 128 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			out = append(out, c)
		} else {
			out = append(out, '_')
		}
	}
	if len(out) == 0 {
		return "export"
	}
	return string(out)
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// getObject is storage/v1 objects.get of an export file: the bytes with
// alt=media (Range honoured), else the object's resource. Only super
// admins of the organisation whose matter made the export may read it;
// objects named in the faults' CorruptObjects come with one byte changed.
func (s *Server) getObject(w http.ResponseWriter, r *http.Request) error {
	bucket, name := r.PathValue("bucket"), r.PathValue("object")
	if bucket != VaultBucket {
		return notFound("The specified bucket does not exist.")
	}
	o, owner := s.findObject(name)
	if o == nil {
		return notFound("No such object: " + bucket + "/" + name)
	}
	if u := subject(r); owner != s || !u.Admin || u.Suspended {
		return forbidden(u.Email + " does not have storage.objects.get access to the Google Cloud Storage object. Permission 'storage.objects.get' denied on resource (or it may not exist).")
	}
	switch r.URL.Query().Get("alt") {
	case "media":
		return s.serveObject(w, r, name, o)
	case "", "json":
		reply(w, r, objectJSON(s.url, bucket, name, o), "")
		return nil
	}
	return badRequest("Invalid value for alt: " + r.URL.Query().Get("alt"))
}

// findObject looks for the object in every organisation's Vault and
// returns the organisation that made it.
func (s *Server) findObject(name string) (*vaultObject, *Server) {
	for _, t := range s.tenants {
		t.vault.mu.Lock()
		o := t.vault.objects[name]
		t.vault.mu.Unlock()
		if o != nil {
			return o, t
		}
	}
	return nil, nil
}

func (s *Server) serveObject(w http.ResponseWriter, r *http.Request, name string, o *vaultObject) error {
	data := o.data
	if slices.Contains(s.faults.get().CorruptObjects, name) && len(data) > 0 {
		data = slices.Clone(data)
		data[len(data)/2] ^= 0x5a
	}
	w.Header().Set("Content-Type", o.contentType)
	w.Header().Set("X-Goog-Hash", "crc32c="+crc32cBase64(o.data)+",md5="+base64.StdEncoding.EncodeToString(o.md5()))
	w.Header().Set("X-Goog-Generation", strconv.FormatInt(o.created.UnixMicro(), 10))
	w.Header().Set("X-Goog-Stored-Content-Length", strconv.Itoa(len(o.data)))
	http.ServeContent(w, r, "", o.created, bytes.NewReader(data))
	return nil
}

// objectJSON is the object's resource as Cloud Storage gives it (md5Hash
// and crc32c in base64).
func objectJSON(base, bucket, name string, o *vaultObject) obj {
	gen := strconv.FormatInt(o.created.UnixMicro(), 10)
	self := base + "/storage/v1/b/" + bucket + "/o/" + url.PathEscape(name)
	return obj{"kind": "storage#object", "id": bucket + "/" + name + "/" + gen, "name": name, "bucket": bucket,
		"generation": gen, "metageneration": "1", "contentType": o.contentType, "storageClass": "STANDARD",
		"size": strconv.Itoa(len(o.data)), "md5Hash": base64.StdEncoding.EncodeToString(o.md5()),
		"crc32c": crc32cBase64(o.data), "etag": etag(name + gen), "timeCreated": rfc3339(o.created),
		"updated": rfc3339(o.created), "selfLink": self, "mediaLink": self + "?generation=" + gen + "&alt=media"}
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// crc32cBase64 is the CRC32C checksum as Cloud Storage writes it.
func crc32cBase64(b []byte) string {
	var out [4]byte
	binary.BigEndian.PutUint32(out[:], crc32.Checksum(b, castagnoli))
	return base64.StdEncoding.EncodeToString(out[:])
}

// writeDriveFiles adds to the zip, for a DRIVE export of all data, the
// Drive files of each account in scope (synth.VaultDriveFiles: the ones it
// owns, Google files converted), in a folder named after the account, and
// lists each in the metadata. startTime and endTime filter by the file's
// last modification. Held data is not modelled: a HELD_DATA export has
// no files.
func (s *Server) writeDriveFiles(e *vaultExport, zw *zip.Writer, meta *vaultMetadata) error {
	if e.corpus != "DRIVE" || (e.dataScope != "" && e.dataScope != "ALL_DATA") {
		return nil
	}
	seen := map[string]bool{}
	for _, account := range e.scope {
		u, ok := s.org.UserByEmail(account)
		if !ok || seen[u.Email] {
			continue
		}
		seen[u.Email] = true
		for _, f := range s.org.VaultDriveFiles(u.Index) {
			if (!e.end.IsZero() && f.Modified.After(e.end)) || (!e.start.IsZero() && f.Modified.Before(e.start)) {
				continue
			}
			name := vaultDriveName(f)
			w, err := zw.CreateHeader(&zip.FileHeader{Name: u.Email + "/" + name, Method: zip.Deflate, Modified: f.Modified})
			if err != nil {
				return err
			}
			h := sha256.New()
			n, err := s.org.WriteVaultDrive(io.MultiWriter(w, h), f)
			if err != nil {
				return err
			}
			meta.artifacts = append(meta.artifacts, vaultArtifact{ID: f.ID, Account: u.Email, Corpus: e.corpus, File: name,
				Size: n, SHA256: hex.EncodeToString(h.Sum(nil)),
				drive: &vaultDriveArtifact{Dir: u.Email, MimeType: synth.VaultDriveFormat(f), Title: f.Name, Owner: u.Email,
					Created: stamp(f.Created), Modified: stamp(f.Modified)}})
		}
	}
	return nil
}

// vaultDriveExt is the extension of a converted Google file.
var vaultDriveExt = map[string]string{synth.MimeDocx: ".docx", synth.MimeXlsx: ".xlsx", synth.MimePptx: ".pptx",
	synth.MimeSVG: ".svg", synth.MimeScriptJSON: ".json"}

// vaultDriveName is a Drive file's name in a Vault zip: its title (path
// separators, control characters and invalid UTF-8 replaced by '_', at
// most 100 characters), '_', its id, and its extension (a converted
// file's format's), so two files of one title never meet.
func vaultDriveName(f synth.File) string {
	title, ext := f.Name, ""
	if f.Binary() {
		if x := path.Ext(title); len(x) > 1 && len(x) <= 10 && strings.Trim(x[1:], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == "" {
			title, ext = strings.TrimSuffix(title, x), x
		}
	} else {
		ext = vaultDriveExt[synth.VaultDriveFormat(f)]
	}
	var b strings.Builder
	n := 0
	for _, c := range strings.ToValidUTF8(title, "\uFFFD") {
		if n == 100 {
			break
		}
		if c == '/' || c == '\\' || c < 0x20 || c == 0x7f || c == '\uFFFD' {
			c = '_'
		}
		b.WriteRune(c)
		n++
	}
	return b.String() + "_" + f.ID + ext
}
