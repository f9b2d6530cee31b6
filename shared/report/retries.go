package report

import (
	"time"

	"github.com/orgexport/orgexport/shared/export"
)

// Retry is one retry of what an export failed (R16), as the original's
// report shows it: where it is, and what it recovered.
type Retry struct {
	N           int
	ExportID    string
	RequestedBy string
	RequestedAt time.Time
	CompletedAt time.Time
	State       export.State
	// Recovered are the items it exported, Failed those that failed
	// again, Deleted those deleted since the export.
	Recovered, Failed, Deleted int64
}

// Folder is the retry's folder beside the original: "retry-1/".
func (r Retry) Folder() string { return export.RetryFolder(r.N) }

type jsonRetry struct {
	N           int          `json:"n"`
	ExportID    string       `json:"export_id"`
	Folder      string       `json:"folder"`
	Report      string       `json:"report"`
	RequestedBy string       `json:"requested_by"`
	RequestedAt *string      `json:"requested_at"`
	CompletedAt *string      `json:"completed_at"`
	State       export.State `json:"state"`
	Recovered   int64        `json:"recovered"`
	Failed      int64        `json:"failed"`
	Deleted     int64        `json:"deleted"`
}

func retriesJSON(rs []Retry) []jsonRetry {
	var out []jsonRetry
	for _, r := range rs {
		out = append(out, jsonRetry{N: r.N, ExportID: r.ExportID, Folder: r.Folder(), Report: r.Folder() + "report.html",
			RequestedBy: r.RequestedBy, RequestedAt: timeJSON(r.RequestedAt), CompletedAt: timeJSON(r.CompletedAt),
			State: r.State, Recovered: r.Recovered, Failed: r.Failed, Deleted: r.Deleted})
	}
	return out
}
