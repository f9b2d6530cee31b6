package pipeline

import (
	"slices"

	"github.com/orgexport/orgexport/shared/connector"
	"github.com/orgexport/orgexport/shared/export"
)

// Connector is one product's connector.
type Connector = connector.Connector

// noAPI are the products and data types no public API returns (R7b).
var noAPI = []export.Unsupported{
	{Product: export.Voice, Scope: "Voice user data and Voice organisation data (number porting orders, auto attendant settings, desk phones, tax addresses and ids, phone numbers and assignments, user licences, ring groups, recently deleted Voice data)",
		Reason: "Google Voice has no public API that returns this data; export it from the Voice section of the Admin console or with Google Takeout per user."},
	{Product: export.Chrome, Scope: "Chrome data synced to accounts (bookmarks, history, settings)",
		Reason: "Chrome sync data has no API for administrators; users can download it with Google Takeout."},
	{Product: export.Reminders, Scope: "Reminders",
		Reason: "Google Reminders has no public API."},
	{Product: export.CloudSearch, Scope: "Cloud Search (admin data)",
		Reason: "Cloud Search has no API that exports its indexed data or settings."},
	{Product: export.Vault, Scope: "Vault-retained Drive, Chat, Calendar and Voice data that users deleted, outside any hold",
		Reason: "Vault's search cannot select only what users deleted in these products, and exporting all of it would repeat the whole organisation's data; the mail users deleted, group conversations and all held data are exported through Vault."},
	{Product: export.Keep, Scope: "Keep notes' colour, labels, and pinned and archived state",
		Reason: "The Keep API does not return these; the notes' text, checklists, attachments, collaborators, trash state and times are exported."},
	{Product: "Jamboard", Scope: "Content without an owner, held by service accounts (Jamboard)",
		Reason: "Jamboard has been discontinued and has no export API; its files were converted in Drive, which is exported."},
}

// notYet is the reason for R7 products that have an API this version does
// not read yet.
const notYet = "This version of orgexport does not export this product yet; it is listed so that nothing is skipped silently."

// Unsupported lists what the export cannot contain: the products without an
// API, and the products of R7 no connector of this deployment reads.
func (p *Pipeline) Unsupported() []export.Unsupported {
	out := slices.Clone(noAPI)
	for _, prod := range export.Products {
		if slices.ContainsFunc(noAPI, func(u export.Unsupported) bool { return u.Product == prod }) {
			continue
		}
		if !slices.ContainsFunc(p.Connectors, func(c Connector) bool { return c.Product() == prod }) {
			out = append(out, export.Unsupported{Product: prod, Scope: string(prod), Reason: notYet})
		}
	}
	return out
}
