package drive

import (
	"strings"

	"github.com/orgexport/orgexport/shared/connector"
)

// exportFormat is what a Google file type is exported as.
type exportFormat struct {
	mime, ext string
}

var exportFormats = map[string]exportFormat{
	googlePrefix + "document":     {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"},
	googlePrefix + "spreadsheet":  {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"},
	googlePrefix + "presentation": {"application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"},
	googlePrefix + "drawing":      {"image/svg+xml", ".svg"},
	// An Apps Script project exports as its files' sources in JSON.
	googlePrefix + "script": {"application/vnd.google-apps.script+json", ".json"},
}

// exportExt is the extension of an exported Google file, or "".
func exportExt(mimeType string) string { return exportFormats[mimeType].ext }

// typeNames name the Google types Drive cannot export, for failure reasons.
var typeNames = map[string]string{
	"form": "Google Forms", "site": "Google Sites", "map": "Google My Maps",
	"jam": "Jamboard", "fusiontable": "Fusion Tables",
}

// unexportable says why a Google type cannot be exported.
func unexportable(mimeType string) string {
	kind := strings.TrimPrefix(mimeType, googlePrefix)
	name, ok := typeNames[kind]
	if !ok {
		name = "files of type " + mimeType
	}
	return name + " cannot be downloaded or exported through the Drive API"
}

// contentFor says whether the zip writer should compress a file.
func contentFor(mimeType string) connector.Content {
	switch {
	case strings.HasPrefix(mimeType, "image/") && mimeType != "image/svg+xml",
		strings.HasPrefix(mimeType, "video/"), strings.HasPrefix(mimeType, "audio/"),
		strings.Contains(mimeType, "zip"), strings.Contains(mimeType, "compressed"),
		strings.Contains(mimeType, "openxmlformats"):
		return connector.Compressed
	}
	return connector.Compressible
}
