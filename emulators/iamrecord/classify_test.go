package iamrecord_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"cloud.google.com/go/firestore/apiv1/firestorepb"
	"google.golang.org/protobuf/proto"

	"github.com/orgexport/orgexport/emulators/iamrecord"
)

func perms(ops []iamrecord.Op) []string {
	var out []string
	for _, o := range ops {
		out = append(out, o.Permission)
	}
	slices.Sort(out)
	return out
}

// An upload over an existing object needs delete as well as create.
func TestStorageUploadOverAnObjectNeedsDelete(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/o/c1%2Fe1%2Freport.json") || strings.HasSuffix(r.URL.Path, "/o/c1/e1/report.json") {
			w.Write([]byte(`{}`))
			return
		}
		http.NotFound(w, r)
	}))
	defer backend.Close()
	classify := iamrecord.Storage(backend.URL)
	upload := func(name string) []string {
		r := httptest.NewRequest("POST", "/upload/storage/v1/b/archive/o?uploadType=resumable&name="+name, strings.NewReader(`{"name":"`+name+`"}`))
		return perms(classify(r))
	}
	if got := upload("c1/e1/report.json"); !slices.Equal(got, []string{"storage.objects.create", "storage.objects.delete"}) {
		t.Errorf("upload over an object: %v", got)
	}
	if got := upload("c1/e1/new.zip"); !slices.Equal(got, []string{"storage.objects.create"}) {
		t.Errorf("upload of a new object: %v", got)
	}
	// A batch is classified call by call.
	batch := "--b\r\nContent-Type: application/http\r\nContent-ID: 0\r\n\r\nPATCH /storage/v1/b/archive/o/c1%2Fx HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}\r\n" +
		"--b\r\nContent-Type: application/http\r\nContent-ID: 1\r\n\r\nDELETE /storage/v1/b/archive/o/c1%2Fy HTTP/1.1\r\n\r\n\r\n--b--\r\n"
	r := httptest.NewRequest("POST", "/batch/storage/v1", strings.NewReader(batch))
	r.Header.Set("Content-Type", "multipart/mixed; boundary=b")
	if got := perms(classify(r)); !slices.Equal(got, []string{"storage.objects.delete", "storage.objects.update"}) {
		t.Errorf("a batch of a patch and a delete: %v", got)
	}
	if rest, _ := io.ReadAll(r.Body); string(rest) != batch {
		t.Errorf("the batch's body was not left readable")
	}
	for req, want := range map[*http.Request]string{
		httptest.NewRequest("GET", "/storage/v1/b/archive/o?prefix=c1/", nil):         "storage.objects.list",
		httptest.NewRequest("DELETE", "/storage/v1/b/archive/o/c1%2Fx", nil):          "storage.objects.delete",
		httptest.NewRequest("PATCH", "/storage/v1/b/archive/o/c1%2Fx", nil):           "storage.objects.update",
		httptest.NewRequest("GET", "/archive/c1/x.zip", nil):                          "storage.objects.get",
		httptest.NewRequest("PUT", "/upload/storage/v1/b/archive/o?upload_id=1", nil): "",
	} {
		got := strings.Join(perms(classify(req)), ",")
		if got != want {
			t.Errorf("%s %s: %q, want %q", req.Method, req.URL, got, want)
		}
	}
}

// A task carrying an OIDC token needs actAs on its account.
func TestTaskWithTokenNeedsActAs(t *testing.T) {
	msg, _ := proto.Marshal(&cloudtaskspb.CreateTaskRequest{Parent: "projects/p/locations/l/queues/q", Task: &cloudtaskspb.Task{
		MessageType: &cloudtaskspb.Task_HttpRequest{HttpRequest: &cloudtaskspb.HttpRequest{Url: "https://x",
			AuthorizationHeader: &cloudtaskspb.HttpRequest_OidcToken{OidcToken: &cloudtaskspb.OidcToken{ServiceAccountEmail: "inv@p.iam.gserviceaccount.com"}}}}}})
	ops := iamrecord.CloudTasks("/google.cloud.tasks.v2.CloudTasks/CreateTask", msg)
	if !slices.Contains(ops, iamrecord.Op{Permission: "iam.serviceAccounts.actAs", Resource: "inv@p.iam.gserviceaccount.com"}) ||
		!slices.Contains(ops, iamrecord.Op{Permission: "cloudtasks.tasks.create", Resource: "projects/p/locations/l/queues/q"}) {
		t.Errorf("CreateTask: %v", ops)
	}
	if ops := iamrecord.CloudTasks("/google.cloud.tasks.v2.CloudTasks/PurgeQueue", nil); !strings.HasPrefix(ops[0].Permission, "unclassified:") {
		t.Errorf("an unknown call: %v, want it recorded as unclassified", ops)
	}
}

// Firestore writes: a create-only write, an update, a set and a delete.
func TestFirestoreWrites(t *testing.T) {
	db := "projects/p/databases/(default)"
	msg, _ := proto.Marshal(&firestorepb.CommitRequest{Database: db, Writes: []*firestorepb.Write{
		{Operation: &firestorepb.Write_Delete{Delete: db + "/documents/a/1"}},
		{Operation: &firestorepb.Write_Update{Update: &firestorepb.Document{Name: db + "/documents/a/2"}},
			CurrentDocument: &firestorepb.Precondition{ConditionType: &firestorepb.Precondition_Exists{Exists: false}}},
	}})
	if got := perms(iamrecord.Firestore("/google.firestore.v1.Firestore/Commit", msg)); !slices.Equal(got, []string{"datastore.entities.create", "datastore.entities.delete"}) {
		t.Errorf("commit of a delete and a create: %v", got)
	}
	msg, _ = proto.Marshal(&firestorepb.CommitRequest{Database: db, Writes: []*firestorepb.Write{
		{Operation: &firestorepb.Write_Update{Update: &firestorepb.Document{Name: db + "/documents/a/3"}}}}})
	if got := perms(iamrecord.Firestore("/google.firestore.v1.Firestore/Commit", msg)); !slices.Equal(got, []string{"datastore.entities.create", "datastore.entities.update"}) {
		t.Errorf("commit of a set: %v", got)
	}
}
