# Cloud Tasks queues (see docs/deploy.md). Task names are deterministic, so a
# retried create is AlreadyExists; the dispatch deadline (30 min) is set per
# task by the code.

# Post-hold starts and continuations.
resource "google_cloud_tasks_queue" "control" {
  project  = var.project_id
  location = var.region
  name     = "export-control"

  rate_limits {
    max_dispatches_per_second = 10
    max_concurrent_dispatches = 10
  }

  retry_config {
    max_attempts  = 20
    min_backoff   = "10s"
    max_backoff   = "600s"
    max_doublings = 5
  }

  stackdriver_logging_config {
    sampling_ratio = 1.0
  }

  depends_on = [google_project_service.enabled]
}

# Per-account work, rate-limited to protect the Workspace API quotas. Many
# attempts: a continuation that loses its instance is simply run again.
# The rates follow from the quota table (shared/quota, Default.AccountsQueue):
# 50 accounts at once, each pacing its calls to 1/50 of the project's
# quotas, reached over 10 s; infra's tests check the numbers agree.
resource "google_cloud_tasks_queue" "accounts" {
  project  = var.project_id
  location = var.region
  name     = "export-accounts"

  rate_limits {
    max_dispatches_per_second = 5
    max_concurrent_dispatches = 50
  }

  retry_config {
    max_attempts  = 50
    min_backoff   = "30s"
    max_backoff   = "3600s"
    max_doublings = 5
  }

  stackdriver_logging_config {
    sampling_ratio = 0.1
  }

  depends_on = [google_project_service.enabled]
}
