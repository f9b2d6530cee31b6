# APIs the platform and the Workspace connectors need. The Workspace APIs are
# enabled in this project because the delegation service account lives here;
# a test checks that every scope in shared/delegation has its API listed.

locals {
  platform_apis = [
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudscheduler.googleapis.com",
    "cloudtasks.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "logging.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
  ]

  workspace_apis = [
    "admin.googleapis.com",
    "calendar-json.googleapis.com",
    "chat.googleapis.com",
    "classroom.googleapis.com",
    "drive.googleapis.com",
    "gmail.googleapis.com",
    "groupssettings.googleapis.com",
    "keep.googleapis.com",
    "people.googleapis.com",
    "tasks.googleapis.com",
    "vault.googleapis.com",
  ]
}

resource "google_project_service" "enabled" {
  for_each = toset(concat(local.platform_apis, local.workspace_apis))

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}
