package workspace

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/orgexport/orgexport/emulators/workspace/synth"
)

// ExportLimit is Drive's limit on files.export content.
const ExportLimit = 10 << 20

const (
	fileDefaultFields = "kind,id,name,mimeType"
	listDefaultFields = "kind,nextPageToken,incompleteSearch,files(" + fileDefaultFields + ")"
)

func (s *Server) driveRoutes(api func(string, string, http.HandlerFunc)) {
	api("drive", "GET /drive/v3/files", handle(s.listFiles))
	api("drive", "GET /drive/v3/files/{fileId}", handle(s.getFile))
	api("drive", "GET /drive/v3/files/{fileId}/export", handle(s.exportFile))
	api("drive", "GET /drive/v3/drives", handle(s.listDrives))
	api("drive", "GET /drive/v3/files/{fileId}/permissions", handle(s.listPermissions))
	// exportLinks point here: the Docs editors' download, without the
	// 10 MB limit of files.export.
	api("drive", "GET /feeds/download/export", handle(s.exportLink))
}

// canRead reports whether user may read the owner's files: their own My
// Drive, or a shared drive they are a member of.
func (s *Server) canRead(u synth.User, o synth.Owner) bool {
	if !o.Shared {
		return o.Index == u.Index
	}
	return slices.Contains(s.org.SharedDrives()[o.Index].Members, u.Index)
}

func (s *Server) fileJSON(r *http.Request, f synth.File) obj {
	o := obj{"kind": "drive#file", "id": f.ID, "name": f.Name, "mimeType": f.MimeType, "parents": []string{f.Parent},
		"createdTime": rfc3339(f.Created), "modifiedTime": rfc3339(f.Modified), "trashed": f.Trashed,
		"explicitlyTrashed": f.Trashed, "webViewLink": "https://drive.google.com/file/d/" + f.ID + "/view",
		"version": "1", "capabilities": obj{"canDownload": true, "canCopy": true}}
	if f.Owner.Shared {
		o["driveId"] = s.org.SharedDrives()[f.Owner.Index].ID
	} else {
		u := s.org.Users()[f.Owner.Index]
		o["owners"] = []obj{{"kind": "drive#user", "displayName": u.FullName(), "emailAddress": u.Email, "me": u.Index == subject(r).Index, "permissionId": u.ID}}
	}
	if f.Binary() {
		o["size"] = strconv.FormatInt(f.Size, 10)
	}
	if f.ShortcutTarget != "" {
		o["shortcutDetails"] = obj{"targetId": f.ShortcutTarget, "targetMimeType": f.ShortcutTargetMime}
	}
	if len(f.SharedWith) > 0 {
		o["shared"] = true
	}
	// A suspended user's files come without export links: GAM meets
	// "Format (openoffice) not available" for them (GAM-team/GAM #876).
	if formats := synth.ExportFormats(f.MimeType); len(formats) > 0 && !f.NoExportLinks && !subject(r).Suspended {
		links := obj{}
		for _, m := range formats {
			links[m] = "http://" + r.Host + "/feeds/download/export?" + url.Values{"id": {f.ID}, "exportFormat": {m}}.Encode()
		}
		o["exportLinks"] = links
	}
	return o
}

// readable finds a file the token's user may read; others are not found,
// as Drive answers.
func (s *Server) readable(r *http.Request, id string) (synth.File, error) {
	f, ok := s.org.FileByID(id)
	if !ok || !s.canRead(subject(r), f.Owner) && !slices.Contains(f.SharedWith, subject(r).Index) {
		return f, notFound("File not found: " + id + ".")
	}
	return f, nil
}

func (s *Server) getFile(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("fileId")
	if id == "root" {
		u := subject(r)
		reply(w, r, obj{"kind": "drive#file", "id": s.org.RootID(synth.Owner{Index: u.Index}), "name": "My Drive", "mimeType": synth.MimeFolder}, fileDefaultFields)
		return nil
	}
	f, err := s.readable(r, id)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("alt") != "media" {
		reply(w, r, s.fileJSON(r, f), fileDefaultFields)
		return nil
	}
	if !f.Binary() {
		return apiError{403, "fileNotDownloadable", "Only files with binary content can be downloaded. Use Export with Docs Editors files."}
	}
	if s.faults.failing(f.ID) {
		return apiError{403, "cannotDownloadFile", "This file cannot be downloaded."}
	}
	if err := abuse(r, f); err != nil {
		return err
	}
	w.Header().Set("Content-Type", f.MimeType)
	http.ServeContent(w, r, "", f.Modified, f.Content.Reader())
	return nil
}

func (s *Server) exportFile(w http.ResponseWriter, r *http.Request) error {
	f, err := s.readable(r, r.PathValue("fileId"))
	if err != nil {
		return err
	}
	mime := r.URL.Query().Get("mimeType")
	if mime == "" {
		return apiError{400, "required", "Required parameter: mimeType"}
	}
	if f.Binary() || len(synth.ExportFormats(f.MimeType)) == 0 {
		return apiError{403, "fileNotExportable", "Export only supports Docs Editors files."}
	}
	if s.faults.failing(f.ID) {
		return apiError{403, "cannotDownloadFile", "This file cannot be downloaded."}
	}
	n, err := s.org.ExportSize(f, mime)
	if err != nil {
		return apiError{400, "badRequest", "The requested conversion is not supported."}
	}
	if n > ExportLimit {
		return apiError{403, "exportSizeLimitExceeded", "This file is too large to be exported."}
	}
	return s.writeExport(w, f, mime, n)
}

func (s *Server) writeExport(w http.ResponseWriter, f synth.File, mime string, n int64) error {
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	_, err := s.org.WriteExport(w, f, mime)
	if err != nil {
		panic(http.ErrAbortHandler) // headers are gone; drop the connection
	}
	return nil
}

func (s *Server) exportLink(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f, err := s.readable(r, q.Get("id"))
	if err != nil {
		return err
	}
	if s.faults.failing(f.ID) {
		return apiError{403, "cannotDownloadFile", "This file cannot be downloaded."}
	}
	n, err := s.org.ExportSize(f, q.Get("exportFormat"))
	if err != nil {
		return apiError{400, "badRequest", "The requested conversion is not supported."}
	}
	return s.writeExport(w, f, q.Get("exportFormat"), n)
}

func (s *Server) listDrives(w http.ResponseWriter, r *http.Request) error {
	all := boolParam(r, "useDomainAdminAccess")
	if all {
		if err := requireAdmin(r); err != nil {
			return err
		}
	}
	start, size, err := page(r, "pageSize", 10, 100)
	if err != nil {
		return err
	}
	u := subject(r)
	drives := s.org.SharedDrives()
	items := []obj{}
	i := start
	for ; i < len(drives) && len(items) < size; i++ {
		d := drives[i]
		// A suspended user is shown no shared drive (GAMADV-XTD3 #297).
		if all || slices.Contains(d.Members, u.Index) && !u.Suspended {
			items = append(items, obj{"kind": "drive#drive", "id": d.ID, "name": d.Name, "createdTime": rfc3339(d.Created), "hidden": false})
		}
	}
	res := obj{"kind": "drive#driveList", "drives": items}
	setNext(res, i, len(drives))
	reply(w, r, res, "")
	return nil
}

func (s *Server) listFiles(w http.ResponseWriter, r *http.Request) error {
	owners, err := s.corpus(r)
	if err != nil {
		return err
	}
	root := "'" + s.org.RootID(synth.Owner{Index: subject(r).Index}) + "' in parents"
	match, err := parseQuery(strings.ReplaceAll(r.URL.Query().Get("q"), "'root' in parents", root))
	if err != nil {
		return err
	}
	start, size, err := page(r, "pageSize", 100, 1000)
	if err != nil {
		return err
	}
	items := []obj{}
	row, base := start, 0
	total := 0
	for _, o := range owners {
		n := s.org.FileCount(o)
		total += n
		for ; row < base+n && len(items) < size; row++ {
			if f := s.org.File(o, row-base); match(f) {
				items = append(items, s.fileJSON(r, f))
			}
		}
		base += n
	}
	// Files other users share with the caller come last (corpora user and
	// allDrives), as Drive lists them beside the caller's own.
	if corpora := r.URL.Query().Get("corpora"); corpora == "" || corpora == "user" || corpora == "allDrives" {
		shared := s.org.SharedWithMe(subject(r).Index)
		total += len(shared)
		for ; row < base+len(shared) && len(items) < size; row++ {
			if f := shared[row-base]; match(f) {
				items = append(items, s.fileJSON(r, f))
			}
		}
	}
	res := obj{"kind": "drive#fileList", "incompleteSearch": false, "files": items}
	setNext(res, row, total)
	reply(w, r, res, listDefaultFields)
	return nil
}

// corpus is the owners a files.list reads, from corpora and driveId.
func (s *Server) corpus(r *http.Request) ([]synth.Owner, error) {
	q := r.URL.Query()
	u := subject(r)
	mine := synth.Owner{Index: u.Index}
	driveID, corpora := q.Get("driveId"), q.Get("corpora")
	if driveID != "" || corpora == "drive" || corpora == "allDrives" {
		if !boolParam(r, "includeItemsFromAllDrives") || !boolParam(r, "supportsAllDrives") {
			return nil, apiError{403, "teamDriveIncludeItemsRequired", "The includeItemsFromAllDrives parameter must be set to true (with supportsAllDrives) when searching shared drives."}
		}
	}
	switch corpora {
	case "", "user":
		if driveID != "" {
			return nil, badRequest("driveId requires corpora=drive")
		}
		return []synth.Owner{mine}, nil
	case "drive":
		for _, d := range s.org.SharedDrives() {
			if d.ID == driveID {
				if !slices.Contains(d.Members, u.Index) {
					break
				}
				return []synth.Owner{{Shared: true, Index: d.Index}}, nil
			}
		}
		return nil, notFound("Shared drive not found: " + driveID)
	case "allDrives":
		owners := []synth.Owner{mine}
		for _, d := range s.org.SharedDrives() {
			if slices.Contains(d.Members, u.Index) {
				owners = append(owners, synth.Owner{Shared: true, Index: d.Index})
			}
		}
		return owners, nil
	}
	return nil, apiError{400, "invalidParameter", "Invalid value for corpora: " + corpora}
}

// parseQuery understands the q terms exporters use, joined by "and":
// 'ID' in parents, trashed = true|false, mimeType (!)= 'X', name = 'X'.
func parseQuery(q string) (func(synth.File) bool, error) {
	var tests []func(synth.File) bool
	for _, term := range splitAnd(q) {
		t, err := queryTerm(strings.TrimSpace(term))
		if err != nil {
			return nil, err
		}
		tests = append(tests, t)
	}
	return func(f synth.File) bool {
		for _, t := range tests {
			if !t(f) {
				return false
			}
		}
		return true
	}, nil
}

func splitAnd(q string) []string {
	if strings.TrimSpace(q) == "" {
		return nil
	}
	var out []string
	quoted, last := false, 0
	for i := 0; i < len(q); i++ {
		switch {
		case q[i] == '\\':
			i++
		case q[i] == '\'':
			quoted = !quoted
		case !quoted && i+5 <= len(q) && strings.EqualFold(q[i:i+5], " and "):
			out = append(out, q[last:i])
			last = i + 5
		}
	}
	return append(out, q[last:])
}

func queryTerm(t string) (func(synth.File) bool, error) {
	invalid := apiError{400, "invalid", "Invalid Value"}
	if v, ok := strings.CutSuffix(t, " in parents"); ok {
		id, err := quoted(v)
		return func(f synth.File) bool { return f.Parent == id }, err
	}
	head, val := t, ""
	if i := strings.IndexByte(t, '\''); i >= 0 {
		head, val = t[:i], t[i:]
	} else if i := strings.LastIndexByte(t, '='); i >= 0 {
		head, val = t[:i+1], strings.TrimSpace(t[i+1:])
	}
	head = strings.TrimSpace(head)
	op := "="
	if strings.HasSuffix(head, "!=") {
		op = "!="
	} else if !strings.HasSuffix(head, "=") {
		return nil, invalid
	}
	key := strings.TrimSpace(strings.TrimSuffix(head, op))
	switch key {
	case "trashed":
		b, err := strconv.ParseBool(val)
		if err != nil || op != "=" {
			return nil, invalid
		}
		return func(f synth.File) bool { return f.Trashed == b }, nil
	case "mimeType", "name":
		v, err := quoted(val)
		if err != nil {
			return nil, err
		}
		get := func(f synth.File) string { return f.MimeType }
		if key == "name" {
			get = func(f synth.File) string { return f.Name }
		}
		if op == "!=" {
			return func(f synth.File) bool { return get(f) != v }, nil
		}
		return func(f synth.File) bool { return get(f) == v }, nil
	}
	return nil, invalid
}

func quoted(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
		return "", apiError{400, "invalid", "Invalid Value"}
	}
	return strings.NewReplacer(`\'`, `'`, `\\`, `\`).Replace(s[1 : len(s)-1]), nil
}

// listPermissions is permissions.list of a shared drive: its members, for
// a member or (useDomainAdminAccess) an administrator of the domain; 404
// for anyone else, and without supportsAllDrives, as Drive answers. The
// first member is the organizer, the others writers. Of a My Drive file,
// its owner. 100 per page at most (larger sizes are coerced to 100).
func (s *Server) listPermissions(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("fileId")
	u := subject(r)
	var users []int
	d, shared := s.sharedDrive(id)
	if shared {
		if !boolParam(r, "supportsAllDrives") {
			return notFound("File not found: " + id + ".")
		}
		admin := boolParam(r, "useDomainAdminAccess")
		if admin {
			if err := requireAdmin(r); err != nil {
				return err
			}
		}
		if !admin && !slices.Contains(d.Members, u.Index) {
			return notFound("Shared drive not found: " + id)
		}
		users = d.Members
	} else {
		f, err := s.readable(r, id)
		if err != nil {
			return err
		}
		if f.Owner.Shared {
			return apiError{403, "insufficientFilePermissions", "The user does not have sufficient permissions for this file."}
		}
		users = []int{f.Owner.Index}
	}
	start, size, err := page(r, "pageSize", 100, 100)
	if err != nil {
		return err
	}
	end := min(len(users), start+size)
	items := []obj{}
	for k, m := range users[min(start, end):end] {
		mu := s.org.Users()[m]
		role := "writer"
		switch {
		case !shared:
			role = "owner"
		case start+k == 0:
			role = "organizer"
		}
		items = append(items, obj{"kind": "drive#permission", "id": mu.ID, "type": "user", "role": role,
			"emailAddress": mu.Email, "displayName": mu.FullName(), "deleted": false})
	}
	res := obj{"kind": "drive#permissionList", "permissions": items}
	setNext(res, end, len(users))
	reply(w, r, res, permissionListDefaultFields)
	return nil
}

// permissionListDefaultFields are what permissions.list returns without
// fields: kind, id, type and role of each permission (no email).
const permissionListDefaultFields = "kind,nextPageToken,permissions(kind,id,type,role)"

func (s *Server) sharedDrive(id string) (synth.SharedDrive, bool) {
	for _, d := range s.org.SharedDrives() {
		if d.ID == id {
			return d, true
		}
	}
	return synth.SharedDrive{}, false
}
