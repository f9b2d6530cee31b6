# The hourly Housekeeping call: cool-down expiry, the 14-day deadline (R10),
# retention expiry (R12) and stuck work.

resource "google_cloud_scheduler_job" "housekeeping" {
  project          = var.project_id
  region           = var.region
  name             = "orgexport-housekeeping"
  description      = "Hourly orgexport housekeeping."
  schedule         = "0 * * * *"
  time_zone        = "Etc/UTC"
  attempt_deadline = "600s"

  retry_config {
    retry_count          = 3
    min_backoff_duration = "30s"
    max_backoff_duration = "300s"
  }

  http_target {
    http_method = "POST"
    uri         = local.function_urls["Housekeeping"]
    headers     = { "Content-Type" = "application/json" }
    body        = base64encode("{}")

    oidc_token {
      service_account_email = google_service_account.caller["scheduler"].email
      audience              = local.function_urls["Housekeeping"]
    }
  }

  depends_on = [google_project_service.enabled, google_cloudfunctions2_function.fn]
}
