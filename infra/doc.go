// Package infra holds orgexport's Terraform (infra/*.tf) and the Go tests
// that check it.
//
// The Google provider cannot be downloaded on a developer machine without
// internet, so `terraform validate` and `terraform plan` cannot run in tests.
// Instead the tests parse the configuration with github.com/hashicorp/hcl/v2,
// evaluate it the way Terraform would for a plan (variables with defaults,
// locals, for_each, dynamic blocks, and the computed attributes the
// configuration relies on, such as a service account's email), and assert
// the product's invariants against the code itself:
//
//   - every function in functions.go is deployed (gen2, go126) with exactly the
//     environment variables shared/config reads, and those values pass the
//     configuration's own validation;
//   - each function has its own service account, least-privilege grants that
//     follow its configuration, and invokers for exactly its callers;
//   - the archive bucket stays in the US, is private, and deletes data after
//     the retention period (R8a, R12, R13);
//   - every Firestore query in shared/store has its composite index;
//   - the queues, topic and subscription the code names exist with the
//     settings the code assumes;
//   - docs/deploy.md lists exactly the delegation scopes in shared/delegation.
//
// Attribute names are not checked against the provider's schema; terraform
// fmt is run when the terraform binary is installed.
package infra
