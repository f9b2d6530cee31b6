package iamrecord

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
)

// GRPCClassifier returns the operations of one request message of method
// (e.g. "/google.pubsub.v1.Publisher/Publish"), given in wire form.
type GRPCClassifier func(method string, msg []byte) []Op

// frame is a message passed through undecoded.
type frame struct{}

func (frame) Marshal(v any) ([]byte, error) { return *v.(*[]byte), nil }
func (frame) Unmarshal(data []byte, v any) error {
	*v.(*[]byte) = append([]byte(nil), data...)
	return nil
}
func (frame) Name() string { return "proto" }

// GRPCProxy forwards every gRPC call to an emulator, undecoded, and
// records each request message's operations for one principal.
type GRPCProxy struct {
	addr string
	srv  *grpc.Server
	conn *grpc.ClientConn
}

// StartGRPC serves a recording proxy to backend (host:port) on a free
// loopback port.
func StartGRPC(principal, backend string, rec *Recorder, classify GRPCClassifier) (*GRPCProxy, error) {
	conn, err := grpc.NewClient(backend, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(frame{})))
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		conn.Close()
		return nil, err
	}
	p := &GRPCProxy{addr: l.Addr().String(), conn: conn}
	p.srv = grpc.NewServer(grpc.ForceServerCodec(frame{}), grpc.UnknownServiceHandler(func(_ any, ss grpc.ServerStream) error {
		method, _ := grpc.MethodFromServerStream(ss)
		rec.Count(principal, "rpc "+strings.TrimPrefix(method, "/"), 1)
		return p.relay(ss, method, func(msg []byte) {
			rec.Add(principal, classify(method, msg)...)
			if name, n := carried(method, msg); n > 0 {
				rec.Count(principal, name, n)
			}
		},
			func(reply []byte) {
				if n := documentsRead(method, reply); n > 0 {
					rec.Count(principal, DocumentsRead, n)
				}
			})
	}))
	go func() { _ = p.srv.Serve(l) }()
	return p, nil
}

// relay passes one call's messages both ways.
func (p *GRPCProxy) relay(ss grpc.ServerStream, method string, seen, replied func([]byte)) error {
	md, _ := metadata.FromIncomingContext(ss.Context())
	ctx, cancel := context.WithCancel(metadata.NewOutgoingContext(ss.Context(), md.Copy()))
	defer cancel()
	cs, err := p.conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true, ClientStreams: true}, method)
	if err != nil {
		return err
	}
	go func() {
		for {
			var m []byte
			if err := ss.RecvMsg(&m); err != nil {
				_ = cs.CloseSend()
				if !errors.Is(err, io.EOF) {
					cancel()
				}
				return
			}
			seen(m)
			if err := cs.SendMsg(&m); err != nil {
				return
			}
		}
	}()
	if h, err := cs.Header(); err == nil {
		_ = ss.SendHeader(h)
	}
	for {
		var m []byte
		if err := cs.RecvMsg(&m); err != nil {
			ss.SetTrailer(cs.Trailer())
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		replied(m)
		if err := ss.SendMsg(&m); err != nil {
			return err
		}
	}
}

// Addr is the proxy's host:port.
func (p *GRPCProxy) Addr() string { return p.addr }

// Close stops the proxy.
func (p *GRPCProxy) Close() error {
	p.srv.Stop()
	return p.conn.Close()
}
