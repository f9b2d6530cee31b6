// Command pubsub-forwarder delivers Pub/Sub push subscriptions for the dev
// stack with signed OIDC tokens, which the Pub/Sub emulator's own push does
// not send (see emulators/pubsubpush):
//
//	PUBSUB_EMULATOR_HOST=127.0.0.1:8085 pubsub-forwarder -project orgexport-local \
//	    -issuer-addr 127.0.0.1:8790 \
//	    -route 'topic=export-events,subscription=assemble-report,endpoint=http://127.0.0.1:8080/projects/orgexport-local/topics/export-events,sa=pubsub-push@orgexport-local.iam.gserviceaccount.com'
//
// It serves its token issuer's discovery document and JWKS on -issuer-addr
// (the functions' ORGEXPORT_SERVICE_TOKEN_ISSUER is http://ADDR), prints one
// line per route when ready, and stops on SIGINT or SIGTERM.
//
// Route keys: topic, subscription, endpoint, sa (service account), and
// optionally audience, ack-deadline (a Go duration), max-attempts,
// dead-letter (topic id).
package main
