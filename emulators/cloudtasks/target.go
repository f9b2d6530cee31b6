package cloudtasks

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	pb "cloud.google.com/go/cloudtasks/apiv2/cloudtaskspb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// checkHTTPRequest validates the HTTP target of a task and returns a copy
// with the method defaulted to POST.
func checkHTTPRequest(in *pb.Task) (*pb.HttpRequest, error) {
	if in.GetAppEngineHttpRequest() != nil {
		return nil, status.Error(codes.Unimplemented, "the emulator dispatches only http_request tasks, not App Engine tasks")
	}
	src := in.GetHttpRequest()
	if src == nil {
		return nil, status.Error(codes.InvalidArgument, "task.http_request is required")
	}
	hr := proto.Clone(src).(*pb.HttpRequest)
	u, err := url.Parse(hr.Url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(hr.Url) > 2083 {
		return nil, status.Errorf(codes.InvalidArgument, "http_request.url %q must be an absolute http:// or https:// URL of at most 2083 characters", hr.Url)
	}
	if hr.HttpMethod == pb.HttpMethod_HTTP_METHOD_UNSPECIFIED {
		hr.HttpMethod = pb.HttpMethod_POST
	}
	switch hr.HttpMethod {
	case pb.HttpMethod_POST, pb.HttpMethod_PUT, pb.HttpMethod_PATCH:
	default:
		if len(hr.Body) > 0 {
			return nil, status.Errorf(codes.InvalidArgument, "a body is allowed only with POST, PUT or PATCH, not %s", hr.HttpMethod)
		}
	}
	if hr.GetOauthToken() != nil {
		return nil, status.Error(codes.Unimplemented, "the emulator cannot mint Google OAuth access tokens; use oidc_token")
	}
	if tok := hr.GetOidcToken(); tok != nil && tok.ServiceAccountEmail == "" {
		return nil, status.Error(codes.InvalidArgument, "http_request.oidc_token.service_account_email is required")
	}
	return hr, nil
}

// reservedHeader reports whether the service replaces or drops a header the
// task sets.
func reservedHeader(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "host", "content-length", "user-agent":
		return true
	}
	return strings.HasPrefix(n, "x-google-") || strings.HasPrefix(n, "x-appengine-") || strings.HasPrefix(n, "x-cloudtasks-")
}

// codeForHTTP maps a handler's HTTP status to the gRPC code the service
// records in Attempt.response_status.
func codeForHTTP(s int) codes.Code {
	switch {
	case s >= 200 && s < 300:
		return codes.OK
	case s == http.StatusBadRequest:
		return codes.InvalidArgument
	case s == http.StatusUnauthorized:
		return codes.Unauthenticated
	case s == http.StatusForbidden:
		return codes.PermissionDenied
	case s == http.StatusNotFound:
		return codes.NotFound
	case s == http.StatusConflict:
		return codes.Aborted
	case s == http.StatusTooManyRequests:
		return codes.ResourceExhausted
	case s == http.StatusNotImplemented:
		return codes.Unimplemented
	case s == http.StatusServiceUnavailable:
		return codes.Unavailable
	case s == http.StatusGatewayTimeout:
		return codes.DeadlineExceeded
	case s >= 400 && s < 500:
		return codes.FailedPrecondition
	case s >= 500:
		return codes.Internal
	}
	return codes.Unknown
}

func timestamp(t time.Time) *timestamppb.Timestamp { return timestamppb.New(t) }

func durationpbNew(d time.Duration) *durationpb.Duration { return durationpb.New(d) }
