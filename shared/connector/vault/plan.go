package vault

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"google.golang.org/api/vault/v1"

	"github.com/orgexport/orgexport/shared/export"
)

// Matter is one line of Vault/matters.json.
type Matter struct {
	ID          string `json:"matter_id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	State       string `json:"state"`
	Holds       []Hold `json:"holds"`
}

// Hold is a matter's hold.
type Hold struct {
	ID       string        `json:"hold_id"`
	Name     string        `json:"name"`
	Corpus   string        `json:"corpus"`
	Updated  string        `json:"update_time,omitempty"`
	Accounts []HeldAccount `json:"accounts"`
	// OrgUnit is the held organisational unit's id, for holds on one.
	OrgUnit string `json:"org_unit_id,omitempty"`
}

// HeldAccount is an account a hold holds.
type HeldAccount struct {
	ID    string `json:"account_id"`
	Email string `json:"email,omitempty"`
	Since string `json:"hold_time,omitempty"`
}

// ExportSummary is one line of Vault/exports.json: what was asked of
// Vault, and what it answered.
type ExportSummary struct {
	Name      string        `json:"name"`
	Corpus    string        `json:"corpus"`
	DataScope string        `json:"data_scope"`
	Method    string        `json:"method"`
	Terms     string        `json:"terms,omitempty"`
	Accounts  []string      `json:"accounts,omitempty"`
	EndTime   string        `json:"end_time,omitempty"`
	Status    string        `json:"status"`
	Artifacts int64         `json:"exported_artifacts"`
	Total     int64         `json:"total_artifacts"`
	Bytes     int64         `json:"size_bytes"`
	Files     []FileSummary `json:"files"`
}

// FileSummary is a file of a Vault export and where its copy is.
type FileSummary struct {
	Object string `json:"object"`
	Size   int64  `json:"size"`
	MD5    string `json:"md5"`
	Path   string `json:"path"`
}

// corpora are the Vault corpora, with their folder under Vault/.
var corpora = map[string]string{
	"MAIL": "Mail", "DRIVE": "Drive", "GROUPS": "Groups", "HANGOUTS_CHAT": "Chat",
	"CALENDAR": "Calendar", "VOICE": "Voice", "GEMINI": "Gemini",
}

func corpusFolder(corpus string) string {
	if f, ok := corpora[corpus]; ok {
		return f
	}
	return "Other"
}

func corpusLabel(x *vault.Export) string {
	if x.Query == nil {
		return "an unknown corpus"
	}
	return corpusFolder(x.Query.Corpus)
}

// plan is the Vault exports the account needs (see the package comment).
func (r *run) plan(ctx context.Context) ([]*vault.Export, error) {
	end := ""
	if !r.a.CutOff.IsZero() {
		end = r.a.CutOff.UTC().Format(time.RFC3339)
	}
	us := "US" // R8a: Vault keeps its copies in the US too
	xs := []*vault.Export{{
		Name: "orgexport-mail-deleted",
		Query: &vault.Query{Corpus: "MAIL", DataScope: "ALL_DATA", Method: "ENTIRE_ORG", Terms: "label:^deleted", EndTime: end,
			MailOptions: &vault.MailOptions{}},
		ExportOptions: &vault.ExportOptions{Region: us, MailOptions: &vault.MailExportOptions{ExportFormat: "MBOX"}},
	}}
	suspended, err := r.suspendedUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("list suspended users: %w", err)
	}
	for i := 0; i < len(suspended); i += accountsPerExport {
		batch := suspended[i:min(i+accountsPerExport, len(suspended))]
		// Google refuses delegated reads of a suspended account's mail;
		// Vault still reads it. Their live mail (the deleted messages are
		// in the export above), with no end: as much as Gmail would give.
		xs = append(xs, &vault.Export{
			Name: fmt.Sprintf("orgexport-mail-suspended-%03d", i/accountsPerExport+1),
			Query: &vault.Query{Corpus: "MAIL", DataScope: "ALL_DATA", Method: "ACCOUNT", Terms: "-label:^deleted",
				AccountInfo: &vault.AccountInfo{Emails: batch}, MailOptions: &vault.MailOptions{}},
			ExportOptions: &vault.ExportOptions{Region: us, MailOptions: &vault.MailExportOptions{ExportFormat: "MBOX"}},
		})
		// Drive lists a suspended account's files but serves none of
		// their content; Vault exports the files it owns (Google files
		// converted), with no end. Shared drives are exported as
		// accounts of their own, through a member.
		xs = append(xs, &vault.Export{
			Name: fmt.Sprintf("%s%03d", suspendedDrivePrefix, i/accountsPerExport+1),
			Query: &vault.Query{Corpus: "DRIVE", DataScope: "ALL_DATA", Method: "ACCOUNT",
				AccountInfo: &vault.AccountInfo{Emails: batch}, DriveOptions: &vault.DriveOptions{SharedDrivesOption: "NOT_INCLUDED"}},
			ExportOptions: &vault.ExportOptions{Region: us, DriveOptions: &vault.DriveExportOptions{IncludeAccessInfo: true}},
		})
	}
	groups, err := r.groups(ctx)
	if err != nil {
		return nil, fmt.Errorf("list groups: %w", err)
	}
	for i := 0; i < len(groups); i += r.c.opts.GroupsPerExport {
		batch := groups[i:min(i+r.c.opts.GroupsPerExport, len(groups))]
		xs = append(xs, &vault.Export{
			Name: fmt.Sprintf("orgexport-groups-%03d", i/r.c.opts.GroupsPerExport+1),
			Query: &vault.Query{Corpus: "GROUPS", DataScope: "ALL_DATA", Method: "ACCOUNT", EndTime: end,
				AccountInfo: &vault.AccountInfo{Emails: batch}},
			ExportOptions: &vault.ExportOptions{Region: us, GroupsOptions: &vault.GroupsExportOptions{ExportFormat: "MBOX"}},
		})
	}
	held, err := r.heldCorpora(ctx)
	if err != nil {
		return nil, err
	}
	for _, corpus := range held {
		x := &vault.Export{Name: "orgexport-held-" + strings.ToLower(corpus),
			Query:         &vault.Query{Corpus: corpus, DataScope: "HELD_DATA", Method: "ENTIRE_ORG", EndTime: end},
			ExportOptions: &vault.ExportOptions{Region: us}}
		switch corpus {
		case "DRIVE":
			x.Query.DriveOptions = &vault.DriveOptions{IncludeSharedDrives: true}
			x.ExportOptions.DriveOptions = &vault.DriveExportOptions{IncludeAccessInfo: true}
		case "HANGOUTS_CHAT":
			x.Query.HangoutsChatOptions = &vault.HangoutsChatOptions{IncludeRooms: true}
			x.ExportOptions.HangoutsChatOptions = &vault.HangoutsChatExportOptions{ExportFormat: "MBOX"}
		case "CALENDAR":
			x.ExportOptions.CalendarOptions = &vault.CalendarExportOptions{ExportFormat: "ICS"}
		case "VOICE":
			x.ExportOptions.VoiceOptions = &vault.VoiceExportOptions{ExportFormat: "MBOX"}
		}
		xs = append(xs, x)
	}
	return xs, nil
}

// heldCorpora are the corpora other than mail and groups in which an open
// matter of the organisation holds data: their held data is exported.
func (r *run) heldCorpora(ctx context.Context) ([]string, error) {
	seen := map[string]bool{}
	token := ""
	for {
		page, err := r.svc.Matters.List().State("OPEN").PageSize(100).PageToken(token).Context(ctx).Do()
		if err != nil {
			return nil, err
		}
		for _, m := range page.Matters {
			if strings.HasPrefix(m.Name, "orgexport ") {
				continue
			}
			holds, err := r.holds(ctx, m.MatterId)
			if err != nil {
				return nil, fmt.Errorf("holds of matter %s: %w", m.MatterId, err)
			}
			for _, h := range holds {
				if _, known := corpora[h.Corpus]; known && h.Corpus != "MAIL" && h.Corpus != "GROUPS" {
					seen[h.Corpus] = true
				}
			}
		}
		if token = page.NextPageToken; token == "" {
			break
		}
	}
	out := make([]string, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	slices.Sort(out)
	return out, nil
}

// accountsPerExport bounds the accounts one Vault export of suspended
// accounts' mail or Drive files names.
const accountsPerExport = 100

// suspendedUsers lists the suspended users created before the cut-off
// (R4): their mail and Drive files can be read only through Vault.
func (r *run) suspendedUsers(ctx context.Context) ([]string, error) {
	svc, err := r.c.clients.Directory(ctx, r.a.Subject)
	if err != nil {
		return nil, err
	}
	var out []string
	token := ""
	for {
		page, err := svc.Users.List().Customer("my_customer").Query("isSuspended=true").MaxResults(500).PageToken(token).
			Fields("nextPageToken", "users(primaryEmail,creationTime,suspended)").Context(ctx).Do()
		if err != nil {
			return nil, err
		}
		for _, u := range page.Users {
			created, _ := time.Parse(time.RFC3339, u.CreationTime)
			if u.Suspended && (r.a.CutOff.IsZero() || !export.Excluded(created, r.a.CutOff)) {
				out = append(out, strings.ToLower(u.PrimaryEmail))
			}
		}
		if token = page.NextPageToken; token == "" {
			slices.Sort(out)
			return out, nil
		}
	}
}

// groups lists every group's address: their conversations come from Vault.
func (r *run) groups(ctx context.Context) ([]string, error) {
	svc, err := r.c.clients.Directory(ctx, r.a.Subject)
	if err != nil {
		return nil, err
	}
	var out []string
	token := ""
	for {
		page, err := svc.Groups.List().Customer("my_customer").MaxResults(200).PageToken(token).
			Fields("nextPageToken", "groups(email)").Context(ctx).Do()
		if err != nil {
			return nil, err
		}
		for _, g := range page.Groups {
			out = append(out, strings.ToLower(g.Email))
		}
		if token = page.NextPageToken; token == "" {
			slices.Sort(out)
			return out, nil
		}
	}
}

// file is one file to copy, in order: per export (by name), the data files
// by name, then the metadata file, whose items count only when every data
// file of its export arrived whole.
type file struct {
	export   *vault.Export
	f        *vault.CloudStorageFile
	path     string
	metadata bool
}

func isMetadata(object string) bool { return strings.HasSuffix(object, "-metadata.xml") }

func files(xs []*vault.Export) []file {
	xs = slices.Clone(xs)
	slices.SortFunc(xs, func(a, b *vault.Export) int { return strings.Compare(a.Name, b.Name) })
	var out []file
	for _, x := range xs {
		if x.Status != "COMPLETED" || x.CloudStorageSink == nil {
			continue
		}
		fs := slices.Clone(x.CloudStorageSink.Files)
		slices.SortFunc(fs, func(a, b *vault.CloudStorageFile) int {
			if ma, mb := isMetadata(a.ObjectName), isMetadata(b.ObjectName); ma != mb {
				if ma {
					return 1
				}
				return -1
			}
			return strings.Compare(a.ObjectName, b.ObjectName)
		})
		for _, f := range fs {
			out = append(out, file{export: x, f: f, path: filePath(x, f), metadata: isMetadata(f.ObjectName)})
		}
	}
	return out
}

// summarise is Vault/exports.json.
func summarise(xs []*vault.Export) []ExportSummary {
	out := []ExportSummary{}
	for _, x := range xs {
		s := ExportSummary{Name: x.Name, Status: x.Status, Files: []FileSummary{}}
		if q := x.Query; q != nil {
			s.Corpus, s.DataScope, s.Method, s.Terms, s.EndTime = q.Corpus, q.DataScope, q.Method, q.Terms, q.EndTime
			if q.AccountInfo != nil {
				s.Accounts = q.AccountInfo.Emails
			}
		}
		if x.Stats != nil {
			s.Artifacts, s.Total, s.Bytes = x.Stats.ExportedArtifactCount, x.Stats.TotalArtifactCount, x.Stats.SizeInBytes
		}
		if x.CloudStorageSink != nil {
			for _, f := range x.CloudStorageSink.Files {
				s.Files = append(s.Files, FileSummary{Object: f.ObjectName, Size: f.Size, MD5: f.Md5Hash, Path: filePath(x, f)})
			}
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b ExportSummary) int { return strings.Compare(a.Name, b.Name) })
	return out
}
