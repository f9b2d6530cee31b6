// Package httpapi is the one place where errors become HTTP answers, and
// where request bodies are decoded strictly.
//
// Every error body has Google's shape:
//
//	{"error": {"code": 403, "status": "PERMISSION_DENIED", "message": "…", "details": […]}}
//
// The message is written for the person who reads it: what is wrong and
// what to do. Handlers return an *Error (or a wrapped one) and call Write.
package httpapi
