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

locals {
  reads = { for k, e in local.env : k => keys(e) }

  workspace_readers = [for k, v in local.reads : k if contains(v, "ORGEXPORT_DELEGATION_SERVICE_ACCOUNT")]
  task_creators     = [for k, v in local.reads : k if contains(v, "ORGEXPORT_TASKS_INVOKER")]
  event_publishers  = [for k, v in local.reads : k if contains(v, "ORGEXPORT_EVENTS_TOPIC")]
  # One grant per function and secret it reads, on that secret only.
  secret_grants = { for g in flatten([
    for fn, f in local.functions : [for v in f.secret_env : { fn = fn, variable = v }]
  ]) : "${g.fn}/${g.variable}" => g }

  # Archive bucket roles. Only AssembleReport overwrites (its report, on a
  # redelivered event); retention is the lifecycle rule, not a function.
  bucket_roles = {
    StartExport    = ["roles/storage.objectViewer"] # the console serves report.html
    BeginExport    = ["roles/storage.objectCreator"]
    ExportAccount  = ["roles/storage.objectCreator", "roles/storage.objectViewer"]
    AssembleReport = ["roles/storage.objectUser"]
    Housekeeping   = ["roles/storage.objectViewer"]
  }
  bucket_grants = { for g in flatten([
    for fn, roles in local.bucket_roles : [for r in roles : { fn = fn, role = r }]
  ]) : "${g.fn}/${g.role}" => g }
}

# Every function keeps its records in Firestore.
resource "google_project_iam_member" "runtime_firestore" {
  for_each = local.functions

  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.runtime[each.key].member
}

resource "google_service_account_iam_member" "delegation_token_creator" {
  for_each = toset(local.workspace_readers)

  service_account_id = google_service_account.delegation.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = google_service_account.runtime[each.value].member
}

# Creating a task that carries the invoker's OIDC token needs actAs on it.
resource "google_service_account_iam_member" "tasks_invoker_user" {
  for_each = toset(local.task_creators)

  service_account_id = google_service_account.caller["tasks_invoker"].name
  role               = "roles/iam.serviceAccountUser"
  member             = google_service_account.runtime[each.value].member
}

resource "google_cloud_tasks_queue_iam_member" "control_enqueuer" {
  for_each = toset(local.task_creators)

  project  = var.project_id
  location = var.region
  name     = google_cloud_tasks_queue.control.name
  role     = "roles/cloudtasks.enqueuer"
  member   = google_service_account.runtime[each.value].member
}

resource "google_cloud_tasks_queue_iam_member" "accounts_enqueuer" {
  for_each = toset(local.task_creators)

  project  = var.project_id
  location = var.region
  name     = google_cloud_tasks_queue.accounts.name
  role     = "roles/cloudtasks.enqueuer"
  member   = google_service_account.runtime[each.value].member
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
  for_each = local.bucket_grants

  bucket = google_storage_bucket.archive.name
  role   = each.value.role
  member = google_service_account.runtime[each.value.fn].member
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
