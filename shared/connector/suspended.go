package connector

import (
	"fmt"

	"github.com/orgexport/orgexport/shared/export"
)

// SuspendedNote starts the note on each product of a suspended account.
const SuspendedNote = "not available for a suspended account"

// SuspendedReason says why product p of a suspended user account is not
// exported, and what to do. Google refuses delegated reads of a suspended
// account (Gmail lists the messages and answers 403 to each; Drive lists
// the files but serves no content; the other APIs refuse every call), and
// a retry meets the same refusal, so the product is listed once (R7b),
// not failed per item, and not retried (R16).
func SuspendedReason(p export.Product) string {
	const refused = "Google refuses to read a suspended account's data through domain-wide delegation"
	const reactivate = "reactivate the user in the Admin console (Directory → Users → Reactivate) and export again"
	switch p {
	case export.Gmail:
		return fmt.Sprintf("%s (Gmail lists the messages but refuses each one). Where the organisation has Google Vault, the mail of suspended accounts is exported through Vault, in the Google Vault account (customer/vault/, Vault/Mail/orgexport-mail-suspended-…); otherwise %s", refused, reactivate)
	case export.Drive:
		return fmt.Sprintf("%s (Drive lists the files but serves none of their content). Where the organisation has Google Vault, the files a suspended account owns are exported through Vault, in the Google Vault account (customer/vault/, Vault/Drive/orgexport-drive-suspended-…/<the account's email>/; Google files converted to Word, Excel and PowerPoint); otherwise %s, or transfer the files to another user (Admin console → Data transfer)", refused, reactivate)
	}
	return fmt.Sprintf("%s; to export its %s, %s", refused, p, reactivate)
}
