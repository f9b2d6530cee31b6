# Secrets live in Secret Manager, never in Terraform state: this creates the
# secrets; their values are added with
#   gcloud secrets versions add SECRET_ID --data-file=-
# Functions that send mail read the SMTP password as ORGEXPORT_SMTP_PASSWORD.
# StartExport reads the admin console's session-cookie key
# (ORGEXPORT_CONSOLE_SESSION_KEY, 32 random bytes or more) and the OAuth
# client's secret for the sign-in code exchange (ORGEXPORT_CONSOLE_CLIENT_SECRET).

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

resource "google_secret_manager_secret" "console_session_key" {
  project   = var.project_id
  secret_id = "orgexport-console-session-key"

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

resource "google_secret_manager_secret" "console_client_secret" {
  project   = var.project_id
  secret_id = "orgexport-console-client-secret"

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
