package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"cloud.google.com/go/pubsub/v2"

	"github.com/orgexport/orgexport/emulators/duplicate"
	"github.com/orgexport/orgexport/emulators/oidcissuer"
	"github.com/orgexport/orgexport/emulators/pubsubpush"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "pubsub-forwarder:", err)
		os.Exit(1)
	}
}

type config struct {
	project    string
	issuerAddr string
	routes     []pubsubpush.Route
	opts       pubsubpush.Options
}

func parse(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("pubsub-forwarder", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.project, "project", os.Getenv("GOOGLE_CLOUD_PROJECT"), "project of the topics and subscriptions")
	fs.StringVar(&c.issuerAddr, "issuer-addr", "127.0.0.1:8790", "address serving the token issuer's discovery document and JWKS")
	fs.DurationVar(&c.opts.MinBackoff, "min-backoff", 10*time.Second, "first retry delay")
	fs.DurationVar(&c.opts.MaxBackoff, "max-backoff", 600*time.Second, "longest retry delay")
	fs.TextVar(&c.opts.Duplicate, "duplicate", duplicate.Off, "push every message twice: off, concurrent, after or alternating")
	fs.Func("route", "push route: topic=,subscription=,endpoint=,sa=[,audience=,ack-deadline=,max-attempts=,dead-letter=] (repeatable)", func(v string) error {
		r, err := parseRoute(v)
		c.routes = append(c.routes, r)
		return err
	})
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.project == "" || len(c.routes) == 0 {
		return c, fmt.Errorf("-project (or GOOGLE_CLOUD_PROJECT) and at least one -route are required")
	}
	if os.Getenv("PUBSUB_EMULATOR_HOST") == "" {
		return c, fmt.Errorf("PUBSUB_EMULATOR_HOST is not set: the forwarder only talks to the emulator")
	}
	return c, nil
}

func parseRoute(v string) (pubsubpush.Route, error) {
	var r pubsubpush.Route
	for _, kv := range strings.Split(v, ",") {
		k, val, _ := strings.Cut(kv, "=")
		var err error
		switch strings.TrimSpace(k) {
		case "topic":
			r.Topic = val
		case "subscription":
			r.Subscription = val
		case "endpoint":
			r.Endpoint = val
		case "sa":
			r.ServiceAccount = val
		case "audience":
			r.Audience = val
		case "dead-letter":
			r.DeadLetterTopic = val
		case "ack-deadline":
			r.AckDeadline, err = time.ParseDuration(val)
		case "max-attempts":
			r.MaxDeliveryAttempts, err = strconv.Atoi(val)
		default:
			err = fmt.Errorf("unknown key %q", k)
		}
		if err != nil {
			return r, fmt.Errorf("route %q: %s: %w", v, k, err)
		}
	}
	return r, nil
}

// run forwards until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parse(args, stderr)
	if err != nil {
		return err
	}
	c.opts.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	l, err := net.Listen("tcp", c.issuerAddr)
	if err != nil {
		return fmt.Errorf("issuer: %w", err)
	}
	iss, err := oidcissuer.New("http://"+l.Addr().String(), nil)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: iss.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(l)
	defer srv.Close()
	client, err := pubsub.NewClient(ctx, c.project)
	if err != nil {
		return fmt.Errorf("pubsub client: %w", err)
	}
	defer client.Close()
	f, err := pubsubpush.New(client, iss, c.routes, c.opts)
	if err != nil {
		return err
	}
	if err := f.Ensure(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "issuer %s\n", iss.URL())
	for _, r := range c.routes {
		fmt.Fprintf(stdout, "forwarding %s (topic %s) to %s as %s\n", r.Subscription, r.Topic, r.Endpoint, r.ServiceAccount)
	}
	return f.Run(ctx)
}
