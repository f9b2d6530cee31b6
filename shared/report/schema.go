package report

import _ "embed"

// Schema is the JSON Schema (draft 2020-12) of report.json, the file
// report.schema.json in this package.
//
//go:embed report.schema.json
var Schema []byte
