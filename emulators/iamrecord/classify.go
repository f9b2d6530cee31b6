package iamrecord

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"cloud.google.com/go/firestore/apiv1/firestorepb"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"google.golang.org/protobuf/proto"
)

func unclassified(method string) []Op { return []Op{{Permission: "unclassified:" + method}} }

// Storage classifies Cloud Storage JSON and XML API requests. backend is
// the emulator's URL, asked whether an upload's object exists: overwriting
// needs storage.objects.delete too.
func Storage(backend string) HTTPClassifier {
	return func(r *http.Request) []Op {
		p := r.URL.Path
		switch {
		case strings.HasPrefix(p, "/upload/storage/v1/b/"):
			bucket, _, _ := strings.Cut(strings.TrimPrefix(p, "/upload/storage/v1/b/"), "/")
			if r.Method == http.MethodPut || r.URL.Query().Get("upload_id") != "" {
				return nil // a chunk of an upload already recorded
			}
			ops := []Op{{"storage.objects.create", bucket}}
			name := r.URL.Query().Get("name")
			if name == "" {
				name = uploadName(r)
			}
			if r.URL.Query().Get("ifGenerationMatch") != "0" && exists(backend, bucket, name) {
				ops = append(ops, Op{"storage.objects.delete", bucket})
			}
			return ops
		case strings.HasPrefix(p, "/storage/v1/b/"), strings.HasPrefix(p, "/download/storage/v1/b/"):
			rest := strings.TrimPrefix(strings.TrimPrefix(p, "/download"), "/storage/v1/b/")
			bucket, obj, hasObj := strings.Cut(rest, "/o")
			switch {
			case !hasObj:
				return []Op{{"storage.buckets." + map[string]string{"GET": "get", "PATCH": "update", "DELETE": "delete"}[r.Method], bucket}}
			case obj == "" && r.Method == http.MethodGet:
				return []Op{{"storage.objects.list", bucket}}
			case strings.Contains(obj, "/compose"), strings.Contains(obj, "/rewriteTo/"), strings.Contains(obj, "/copyTo/"):
				return []Op{{"storage.objects.create", bucket}, {"storage.objects.get", bucket}}
			}
			return []Op{{"storage.objects." + map[string]string{"GET": "get", "HEAD": "get", "PATCH": "update", "PUT": "update", "DELETE": "delete"}[r.Method], bucket}}
		case p == "/batch/storage/v1" && r.Method == http.MethodPost:
			return batchOps(r, Storage(backend))
		case r.Method == http.MethodGet || r.Method == http.MethodHead: // XML API media: /BUCKET/OBJECT
			bucket, _, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
			return []Op{{"storage.objects.get", bucket}}
		}
		return unclassified(r.Method + " " + p)
	}
}

// batchOps classifies each call of a JSON API batch request (a multipart
// of HTTP requests), leaving the body readable.
func batchOps(r *http.Request, classify HTTPClassifier) []Op {
	b, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	_, params, perr := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || perr != nil {
		return unclassified("POST /batch/storage/v1 (unreadable)")
	}
	var ops []Op
	mr := multipart.NewReader(bytes.NewReader(b), params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return ops
		}
		if err != nil {
			return append(ops, unclassified("POST /batch/storage/v1 (unreadable)")...)
		}
		call, err := http.ReadRequest(bufio.NewReader(part))
		if err != nil {
			return append(ops, unclassified("POST /batch/storage/v1 (unreadable call)")...)
		}
		ops = append(ops, classify(call)...)
	}
}

// uploadName reads the object name from a JSON upload's metadata, leaving
// the body readable.
func uploadName(r *http.Request) string {
	if r.Body == nil {
		return ""
	}
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b), r.Body))
	if i := bytes.IndexByte(b, '{'); i >= 0 { // multipart: the first part is the JSON
		var m struct {
			Name string `json:"name"`
		}
		if json.NewDecoder(bytes.NewReader(b[i:])).Decode(&m) == nil {
			return m.Name
		}
	}
	return ""
}

func exists(backend, bucket, name string) bool {
	if name == "" {
		return false
	}
	resp, err := http.Get(backend + "/storage/v1/b/" + bucket + "/o/" + url.PathEscape(name))
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// IAMCredentials classifies IAM Credentials calls; other requests to the
// same endpoint (the Workspace APIs, the OAuth token endpoint) are not
// Cloud IAM and are not recorded.
func IAMCredentials(r *http.Request) []Op {
	rest, ok := strings.CutPrefix(r.URL.Path, "/v1/projects/")
	if !ok {
		return nil
	}
	_, sa, _ := strings.Cut(rest, "/serviceAccounts/")
	email, method, _ := strings.Cut(sa, ":")
	return []Op{{"iam.serviceAccounts." + method, email}}
}

// Firestore classifies google.firestore.v1 calls. Transactions themselves
// (BeginTransaction, Rollback) need no permission beyond the reads and
// writes they hold.
func Firestore(method string, msg []byte) []Op {
	name := method[strings.LastIndex(method, "/")+1:]
	switch name {
	case "GetDocument", "BatchGetDocuments":
		return dbOp("datastore.entities.get", msg, name)
	case "RunQuery", "RunAggregationQuery", "ListDocuments", "ListCollectionIds", "PartitionQuery", "Listen":
		return dbOp("datastore.entities.list", msg, name)
	case "BeginTransaction", "Rollback":
		return nil
	case "Commit", "BatchWrite":
		var writes []*firestorepb.Write
		var db string
		if name == "Commit" {
			var c firestorepb.CommitRequest
			if proto.Unmarshal(msg, &c) != nil {
				return unclassified(method)
			}
			writes, db = c.Writes, c.Database
		} else {
			var c firestorepb.BatchWriteRequest
			if proto.Unmarshal(msg, &c) != nil {
				return unclassified(method)
			}
			writes, db = c.Writes, c.Database
		}
		var ops []Op
		for _, w := range writes {
			for _, p := range writePermissions(w) {
				ops = append(ops, Op{p, db})
			}
		}
		return ops
	}
	return unclassified(method)
}

func writePermissions(w *firestorepb.Write) []string {
	switch {
	case w.GetDelete() != "":
		return []string{"datastore.entities.delete"}
	case w.GetTransform() != nil:
		return []string{"datastore.entities.update"}
	}
	pre := w.GetCurrentDocument()
	switch {
	case pre != nil && pre.GetUpdateTime() != nil:
		return []string{"datastore.entities.update"}
	case pre != nil && !pre.GetExists():
		return []string{"datastore.entities.create"}
	case pre != nil && pre.GetExists():
		return []string{"datastore.entities.update"}
	}
	return []string{"datastore.entities.create", "datastore.entities.update"} // set: create or replace
}

// dbOp names the database of a read request: the first field of every
// Firestore read request is its database or parent path.
func dbOp(perm string, msg []byte, name string) []Op {
	var db string
	switch name {
	case "BatchGetDocuments":
		var m firestorepb.BatchGetDocumentsRequest
		_ = proto.Unmarshal(msg, &m)
		db = m.Database
	case "GetDocument":
		var m firestorepb.GetDocumentRequest
		_ = proto.Unmarshal(msg, &m)
		db = m.Name
	case "RunQuery":
		var m firestorepb.RunQueryRequest
		_ = proto.Unmarshal(msg, &m)
		db = m.Parent
	case "RunAggregationQuery":
		var m firestorepb.RunAggregationQueryRequest
		_ = proto.Unmarshal(msg, &m)
		db = m.Parent
	case "ListDocuments":
		var m firestorepb.ListDocumentsRequest
		_ = proto.Unmarshal(msg, &m)
		db = m.Parent
	}
	return []Op{{perm, database(db)}}
}

// database cuts a document path to projects/P/databases/D.
func database(path string) string {
	parts := strings.SplitN(path, "/", 5)
	if len(parts) < 4 {
		return path
	}
	return strings.Join(parts[:4], "/")
}

// DocumentsRead is the counter of Firestore documents returned to a
// principal (by gets, queries and transactions' reads): what Firestore
// bills as document reads, beside the one read an aggregation or an empty
// query costs.
const DocumentsRead = "firestore.documentsRead"

// documentsRead counts the documents one reply message of a Firestore
// call carries.
func documentsRead(method string, reply []byte) int64 {
	switch method[strings.LastIndex(method, "/")+1:] {
	case "GetDocument":
		return 1
	case "BatchGetDocuments":
		var m firestorepb.BatchGetDocumentsResponse
		if proto.Unmarshal(reply, &m) == nil && m.GetFound() != nil {
			return 1
		}
	case "RunQuery":
		var m firestorepb.RunQueryResponse
		if proto.Unmarshal(reply, &m) == nil && m.GetDocument() != nil {
			return 1
		}
	case "ListDocuments":
		var m firestorepb.ListDocumentsResponse
		if proto.Unmarshal(reply, &m) == nil {
			return int64(len(m.Documents))
		}
	}
	return 0
}

// Counters of what a request carries, beside the calls themselves.
const (
	DocumentsWritten  = "firestore.documentsWritten"
	MessagesPublished = "pubsub.messagesPublished"
	TasksCreated      = "cloudtasks.tasksCreated"
)

// carried counts what one request message of method carries: the writes
// of a Firestore commit, the messages of a publish, a task created.
func carried(method string, msg []byte) (string, int64) {
	switch method[strings.LastIndex(method, "/")+1:] {
	case "Commit":
		var m firestorepb.CommitRequest
		if proto.Unmarshal(msg, &m) == nil {
			return DocumentsWritten, int64(len(m.Writes))
		}
	case "BatchWrite":
		var m firestorepb.BatchWriteRequest
		if proto.Unmarshal(msg, &m) == nil {
			return DocumentsWritten, int64(len(m.Writes))
		}
	case "Publish":
		var m pubsubpb.PublishRequest
		if proto.Unmarshal(msg, &m) == nil {
			return MessagesPublished, int64(len(m.Messages))
		}
	case "CreateTask":
		return TasksCreated, 1
	}
	return "", 0
}

// PubSub classifies google.pubsub.v1 calls.
func PubSub(method string, msg []byte) []Op {
	if strings.HasSuffix(method, "/Publish") {
		var m pubsubpb.PublishRequest
		if proto.Unmarshal(msg, &m) == nil {
			return []Op{{"pubsub.topics.publish", m.Topic}}
		}
	}
	return unclassified(method)
}

// CloudTasks classifies google.cloud.tasks.v2 calls. A task that carries an
// OIDC token needs actAs on the token's service account.
func CloudTasks(method string, msg []byte) []Op {
	name := method[strings.LastIndex(method, "/")+1:]
	switch name {
	case "CreateTask":
		var m cloudtaskspb.CreateTaskRequest
		if proto.Unmarshal(msg, &m) != nil {
			return unclassified(method)
		}
		ops := []Op{{"cloudtasks.tasks.create", m.Parent}}
		if sa := m.GetTask().GetHttpRequest().GetOidcToken().GetServiceAccountEmail(); sa != "" {
			ops = append(ops, Op{"iam.serviceAccounts.actAs", sa})
		}
		return ops
	case "DeleteTask", "GetTask", "RunTask":
		var m cloudtaskspb.GetTaskRequest // the same first field: name
		_ = proto.Unmarshal(msg, &m)
		queue, _, _ := strings.Cut(m.Name, "/tasks/")
		return []Op{{"cloudtasks.tasks." + strings.ToLower(strings.TrimSuffix(name, "Task")), queue}}
	}
	return unclassified(method)
}
