# Service accounts and least-privilege grants. No primitive roles; grants are
# on the narrowest resource (bucket, queue, topic, secret, service account).
# A function is granted access to a resource exactly when its configuration
# names that resource, so the grants follow local.env.

# One runtime service account per function.
resource "google_service_account" "runtime" {
  for_each = local.functions

  project      = var.project_id
  account_id   = each.value.account_id
  display_name = "orgexport ${each.key}"
}

# The identities whose OIDC tokens Cloud Tasks, Pub/Sub push and Cloud
# Scheduler attach to their calls.
resource "google_service_account" "caller" {
  for_each = {
    tasks_invoker = "orgexport Cloud Tasks invoker"
    pubsub_push   = "orgexport Pub/Sub push invoker"
    scheduler     = "orgexport Cloud Scheduler invoker"
  }

  project      = var.project_id
  account_id   = "oe-${replace(each.key, "_", "-")}"
  display_name = each.value
}

# Domain-wide delegation, keyless: no key is ever created. Functions that
# read Workspace sign JWTs as this account through IAM Credentials.
resource "google_service_account" "delegation" {
  project      = var.project_id
  account_id   = "oe-workspace-delegation"
  display_name = "orgexport Workspace domain-wide delegation"
  description  = "Authorised in the Admin console with the scopes in docs/deploy.md."
}

# Builds the functions' images.
resource "google_service_account" "build" {
  project      = var.project_id
  account_id   = "oe-build"
  display_name = "orgexport function builds"
}

# Runs cloudbuild.yaml: tests, uploads the source, deploys the functions.
resource "google_service_account" "deployer" {
  project      = var.project_id
  account_id   = "oe-deployer"
  display_name = "orgexport Cloud Build deployer"
}

# What each function does, and so may do. These lists are what the code
# does against Google Cloud: infra/testdata/operations.json records it in
# an end-to-end run on the emulators, and iam_test.go checks that the grants
# below cover exactly that (plus a few paths the run cannot take, named
# there with the code that takes them): nothing missing, nothing unused.
locals {
  reads = { for k, e in local.env : k => keys(e) }

  # Sign delegation assertions as the delegation account (IAM Credentials
  # signJwt). Housekeeping reads no Workspace data.
  delegation_signers = ["StartExport", "BeginExport", "ExportAccount", "AssembleReport"]
  event_publishers   = [for k, v in local.reads : k if contains(v, "ORGEXPORT_EVENTS_TOPIC")]
  # One grant per function and secret it reads, on that secret only.
  secret_grants = { for g in flatten([
    for fn, f in local.functions : [for v in f.secret_env : { fn = fn, variable = v }]
  ]) : "${g.fn}/${g.variable}" => g }

  # The queues each function adds tasks to (each task carries the tasks
  # invoker's OIDC token, so creating one also needs actAs on it).
  enqueuers = {
    StartExport   = ["control"]             # the post-hold begin
    BeginExport   = ["control", "accounts"] # a long enumeration continues; one task per account
    ExportAccount = ["accounts"]            # continuations
    Housekeeping  = ["control", "accounts"] # a begin gone missing; stuck accounts
  }
  enqueue_grants = { for g in flatten([
    for fn, queues in local.enqueuers : [for q in queues : { fn = fn, queue = q }]
  ]) : "${g.fn}/${g.queue}" => g }

  # What each function does to archive objects. Creating an object under a
  # name that exists replaces it, which needs storage.objects.delete too:
  # ExportAccount redoes a part under the same name, AssembleReport rewrites
  # the report on a redelivered event, Housekeeping deletes expired exports
  # (R12). No predefined role is this narrow, so each has a custom role.
  # AssembleReport reads the parts' failure files into the report;
  # StartExport reads manifest.json and signs download URLs that read as
  # it; ExportAccount reads a part's objects' generations before writing
  # over them (so a stale worker cannot replace them); BeginExport deletes
  # a cancelled export's objects (its purge task).
  archive_permissions = {
    StartExport    = ["storage.objects.get"]
    BeginExport    = ["storage.objects.delete", "storage.objects.list"]
    ExportAccount  = ["storage.objects.create", "storage.objects.delete", "storage.objects.get"]
    AssembleReport = ["storage.objects.create", "storage.objects.delete", "storage.objects.get", "storage.objects.list", "storage.objects.update"]
    Housekeeping   = ["storage.objects.delete", "storage.objects.list"]
  }
}

resource "google_project_iam_custom_role" "archive" {
  for_each = local.archive_permissions

  project     = var.project_id
  role_id     = "orgexportArchive${each.key}"
  title       = "orgexport ${each.key}: archive objects"
  description = "Exactly what ${each.key} does to the archive bucket's objects."
  permissions = each.value
}

# roles/iam.serviceAccountTokenCreator would also let a function mint access
# and ID tokens as the delegation account; signing JWTs is all it needs.
resource "google_project_iam_custom_role" "sign_jwt" {
  project     = var.project_id
  role_id     = "orgexportSignJwt"
  title       = "orgexport: sign delegation assertions"
  description = "Sign JWTs as a service account (IAM Credentials signJwt)."
  permissions = ["iam.serviceAccounts.signJwt"]
}

# StartExport signs download URLs as itself (IAM Credentials signBlob), so
# admins need no bucket IAM; Token Creator would also let it mint tokens.
resource "google_project_iam_custom_role" "sign_blob" {
  project     = var.project_id
  role_id     = "orgexportSignBlob"
  title       = "orgexport: sign download URLs"
  description = "Sign bytes as a service account (IAM Credentials signBlob), for V4 signed URLs."
  permissions = ["iam.serviceAccounts.signBlob"]
}

resource "google_service_account_iam_member" "url_signer" {
  service_account_id = google_service_account.runtime["StartExport"].name
  role               = google_project_iam_custom_role.sign_blob.id
  member             = google_service_account.runtime["StartExport"].member
}

# roles/iam.serviceAccountUser also reads and lists service accounts.
resource "google_project_iam_custom_role" "act_as" {
  project     = var.project_id
  role_id     = "orgexportActAs"
  title       = "orgexport: create tasks that carry a service account's token"
  description = "Act as a service account (Cloud Tasks OIDC tokens)."
  permissions = ["iam.serviceAccounts.actAs"]
}

# Every function keeps its records in Firestore.
resource "google_project_iam_member" "runtime_firestore" {
  for_each = local.functions

  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.runtime[each.key].member
}

resource "google_service_account_iam_member" "delegation_signer" {
  for_each = toset(local.delegation_signers)

  service_account_id = google_service_account.delegation.name
  role               = google_project_iam_custom_role.sign_jwt.id
  member             = google_service_account.runtime[each.value].member
}

# Creating a task that carries the invoker's OIDC token needs actAs on it.
resource "google_service_account_iam_member" "tasks_invoker_user" {
  for_each = local.enqueuers

  service_account_id = google_service_account.caller["tasks_invoker"].name
  role               = google_project_iam_custom_role.act_as.id
  member             = google_service_account.runtime[each.key].member
}

resource "google_cloud_tasks_queue_iam_member" "enqueuer" {
  for_each = local.enqueue_grants

  project  = var.project_id
  location = var.region
  name     = each.value.queue == "control" ? google_cloud_tasks_queue.control.name : google_cloud_tasks_queue.accounts.name
  role     = "roles/cloudtasks.enqueuer"
  member   = google_service_account.runtime[each.value.fn].member
}

resource "google_pubsub_topic_iam_member" "events_publisher" {
  for_each = toset(local.event_publishers)

  project = var.project_id
  topic   = google_pubsub_topic.events.name
  role    = "roles/pubsub.publisher"
  member  = google_service_account.runtime[each.value].member
}

resource "google_secret_manager_secret_iam_member" "runtime" {
  for_each = local.secret_grants

  project   = var.project_id
  secret_id = local.secrets[each.value.variable]
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.runtime[each.value.fn].member
}

resource "google_storage_bucket_iam_member" "runtime_archive" {
  for_each = local.archive_permissions

  bucket = google_storage_bucket.archive.name
  role   = google_project_iam_custom_role.archive[each.key].id
  member = google_service_account.runtime[each.key].member
}

# Build service account: write logs, push images, read sources.
resource "google_project_iam_member" "build" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = google_service_account.build.member
}

resource "google_artifact_registry_repository_iam_member" "build" {
  project    = var.project_id
  location   = google_artifact_registry_repository.functions.location
  repository = google_artifact_registry_repository.functions.name
  role       = "roles/artifactregistry.writer"
  member     = google_service_account.build.member
}

resource "google_storage_bucket_iam_member" "build_sources" {
  bucket = google_storage_bucket.sources.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.build.member
}

# Deployer: deploy functions (not change their IAM), write build logs,
# upload sources, and act as the accounts the functions run and build as.
resource "google_project_iam_member" "deployer" {
  for_each = toset(["roles/cloudfunctions.developer", "roles/logging.logWriter"])

  project = var.project_id
  role    = each.value
  member  = google_service_account.deployer.member
}

resource "google_storage_bucket_iam_member" "deployer_sources" {
  for_each = toset(["roles/storage.objectCreator", "roles/storage.objectViewer"])

  bucket = google_storage_bucket.sources.name
  role   = each.value
  member = google_service_account.deployer.member
}

resource "google_service_account_iam_member" "deployer_acts_as_runtime" {
  for_each = local.functions

  service_account_id = google_service_account.runtime[each.key].name
  role               = "roles/iam.serviceAccountUser"
  member             = google_service_account.deployer.member
}

resource "google_service_account_iam_member" "deployer_acts_as_build" {
  service_account_id = google_service_account.build.name
  role               = "roles/iam.serviceAccountUser"
  member             = google_service_account.deployer.member
}
