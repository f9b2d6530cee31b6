# The SMTP password lives in Secret Manager, never in Terraform state: this
# creates the secret; its value is added with
#   gcloud secrets versions add orgexport-smtp-password --data-file=-
# Functions that send mail read it as ORGEXPORT_SMTP_PASSWORD.

resource "google_secret_manager_secret" "smtp_password" {
  project   = var.project_id
  secret_id = "orgexport-smtp-password"

  replication {
    user_managed {
      dynamic "replicas" {
        for_each = var.secret_locations
        content {
          location = replicas.value
        }
      }
    }
  }

  depends_on = [google_project_service.enabled]
}
