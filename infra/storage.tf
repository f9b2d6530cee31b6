# The archive bucket (R8a, R12, R13) and the bucket holding function sources.

locals {
  bucket_name = var.bucket_name != "" ? var.bucket_name : "${var.project_id}-orgexport-archive"
}

data "google_storage_project_service_account" "gcs" {
  project = var.project_id
}

# With CMEK, the Cloud Storage service agent must be able to use the key.
resource "google_kms_crypto_key_iam_member" "archive_cmek" {
  count = var.kms_key_name == "" ? 0 : 1

  crypto_key_id = var.kms_key_name
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
}

resource "google_storage_bucket" "archive" {
  name     = local.bucket_name
  project  = var.project_id
  location = upper(var.bucket_location)

  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  # Deleted means deleted (R12): no soft-delete window, no old versions.
  soft_delete_policy {
    retention_duration_seconds = 0
  }

  versioning {
    enabled = false
  }

  # R12: exported data is deleted retention_days after the export completed.
  # AssembleReport stamps every object of an export with its completion time
  # as Custom-Time, so parts written early in a 14-day export are kept as
  # long as the last ones.
  lifecycle_rule {
    condition {
      days_since_custom_time = var.retention_days
    }
    action {
      type = "Delete"
    }
  }

  # Backstop for objects never stamped (an export cancelled or stuck before
  # assembly): deleted once even the longest export (14 days) plus the
  # retention period has passed since they were written.
  lifecycle_rule {
    condition {
      age = var.retention_days + 15
    }
    action {
      type = "Delete"
    }
  }

  dynamic "encryption" {
    for_each = var.kms_key_name == "" ? [] : [var.kms_key_name]
    content {
      default_kms_key_name = encryption.value
    }
  }

  depends_on = [google_project_service.enabled, google_kms_crypto_key_iam_member.archive_cmek]
}

# Function sources: the zip of the first deploy and those Cloud Build uploads.
resource "google_storage_bucket" "sources" {
  name     = "${var.project_id}-orgexport-sources"
  project  = var.project_id
  location = upper(var.region)

  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  lifecycle_rule {
    condition {
      age = 90
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_storage_bucket_object" "source" {
  name   = "orgexport-${filemd5(var.source_archive)}.zip"
  bucket = google_storage_bucket.sources.name
  source = var.source_archive
}

# Images built from the sources.
resource "google_artifact_registry_repository" "functions" {
  project       = var.project_id
  location      = var.region
  repository_id = "orgexport-functions"
  format        = "DOCKER"
  description   = "Images of orgexport's Cloud Functions."

  depends_on = [google_project_service.enabled]
}
