# The six Cloud Functions (gen2, go126), one per entry point of functions.go,
# each with its own service account and exactly the environment variables its
# configuration code reads (shared/config; a test keeps the two in step).
#
# Terraform creates the functions and owns their configuration; after the
# first apply, code is deployed by cloudbuild.yaml, so the source is ignored.

locals {
  # Keyed by entry point (the Go function name registered in functions.go).
  functions = {
    StartExport = {
      name          = "start-export"
      account_id    = "oe-start-export"
      description   = "Admins' API and console: start, status, cancel, audit."
      timeout       = 60
      memory        = "512Mi"
      cpu           = "1"
      max_instances = 20
      concurrency   = 40
      secret_env    = ["ORGEXPORT_SMTP_PASSWORD", "ORGEXPORT_CONSOLE_SESSION_KEY", "ORGEXPORT_CONSOLE_CLIENT_SECRET"]
    }
    BeginExport = {
      name          = "begin-export"
      account_id    = "oe-begin-export"
      description   = "Post-hold start: cut-off and account fan-out (Cloud Tasks)."
      timeout       = 1800
      memory        = "1Gi"
      cpu           = "1"
      max_instances = 10
      concurrency   = 1
      secret_env    = ["ORGEXPORT_SMTP_PASSWORD"]
    }
    ExportAccount = {
      name          = "export-account"
      account_id    = "oe-export-account"
      description   = "Exports one account into zip parts (Cloud Tasks)."
      timeout       = 1800
      memory        = "2Gi"
      cpu           = var.export_account_cpu
      max_instances = 50
      concurrency   = 1
      secret_env    = []
    }
    AssembleReport = {
      name          = "assemble-report"
      account_id    = "oe-assemble-report"
      description   = "Report, manifest and completion email (Pub/Sub push)."
      timeout       = 600
      memory        = "1Gi"
      cpu           = "1"
      max_instances = 10
      concurrency   = 1
      secret_env    = ["ORGEXPORT_SMTP_PASSWORD"]
    }
    Housekeeping = {
      name          = "housekeeping"
      account_id    = "oe-housekeeping"
      description   = "Hourly deadlines, expiry and stuck work (Cloud Scheduler)."
      timeout       = 600
      memory        = "512Mi"
      cpu           = "1"
      max_instances = 1
      concurrency   = 1
      secret_env    = ["ORGEXPORT_SMTP_PASSWORD"]
    }
    Support = {
      name          = "support"
      account_id    = "oe-support"
      description   = "Support staff's API: resets and overrides (R14)."
      timeout       = 60
      memory        = "256Mi"
      cpu           = "1"
      max_instances = 5
      concurrency   = 40
      secret_env    = []
    }
  }

  # Deterministic URLs, so functions can name each other (and themselves, as
  # the audience of the tokens they accept) without a dependency cycle.
  function_urls = { for k, f in local.functions : k => "https://${var.region}-${var.project_id}.cloudfunctions.net/${f.name}" }

  # Environment variables that hold secrets, and the secret each comes from.
  secrets = {
    ORGEXPORT_SMTP_PASSWORD         = google_secret_manager_secret.smtp_password.secret_id
    ORGEXPORT_CONSOLE_SESSION_KEY   = google_secret_manager_secret.console_session_key.secret_id
    ORGEXPORT_CONSOLE_CLIENT_SECRET = google_secret_manager_secret.console_client_secret.secret_id
  }

  env_common = {
    GOOGLE_CLOUD_PROJECT = var.project_id
    ORGEXPORT_LOG_FORMAT = "json"
    ORGEXPORT_LOG_LEVEL  = var.log_level
  }

  env_admin = {
    ORGEXPORT_ADMIN_TOKEN_ISSUER   = "https://accounts.google.com"
    ORGEXPORT_ADMIN_TOKEN_AUDIENCE = var.admin_oauth_client_id
  }

  # One entry per service-called function: the tokens it accepts. The same
  # local.service_callers makes these accounts the only Cloud Run invokers
  # (invokers.tf), so Cloud Run verifies their tokens and hands them on with
  # the signature removed: ORGEXPORT_BEHIND_CLOUD_RUN_IAM tells the code.
  env_service = { for k, callers in local.service_callers : k => {
    ORGEXPORT_SERVICE_TOKEN_ISSUER   = "https://accounts.google.com"
    ORGEXPORT_SERVICE_TOKEN_AUDIENCE = local.function_urls[k]
    ORGEXPORT_ALLOWED_CALLERS        = join(",", [for c in callers : google_service_account.caller[c].email])
    ORGEXPORT_BEHIND_CLOUD_RUN_IAM   = "true"
  } }

  env_workspace = {
    ORGEXPORT_DELEGATION_SERVICE_ACCOUNT = google_service_account.delegation.email
    ORGEXPORT_DELEGATION_CLIENT_ID       = google_service_account.delegation.unique_id
    ORGEXPORT_WORKSPACE_ENDPOINT         = var.workspace_endpoint
    # Each account paces its Workspace calls to its share of the project's
    # quotas: one of as many as the accounts queue runs at once.
    ORGEXPORT_ACCOUNTS_CONCURRENCY = google_cloud_tasks_queue.accounts.rate_limits[0].max_concurrent_dispatches
  }

  env_tasks = {
    ORGEXPORT_CLOUDTASKS_ENDPOINT = "" # Google's endpoint; set only locally
    ORGEXPORT_TASKS_LOCATION      = var.region
    ORGEXPORT_CONTROL_QUEUE       = google_cloud_tasks_queue.control.name
    ORGEXPORT_ACCOUNTS_QUEUE      = google_cloud_tasks_queue.accounts.name
    ORGEXPORT_TASKS_INVOKER       = google_service_account.caller["tasks_invoker"].email
    ORGEXPORT_BEGIN_URL           = local.function_urls["BeginExport"]
    ORGEXPORT_EXPORT_ACCOUNT_URL  = local.function_urls["ExportAccount"]
  }

  env_mail = {
    ORGEXPORT_SMTP_HOST     = var.smtp_host
    ORGEXPORT_SMTP_PORT     = tostring(var.smtp_port)
    ORGEXPORT_SMTP_TLS      = var.smtp_tls
    ORGEXPORT_SMTP_USERNAME = var.smtp_username
    ORGEXPORT_MAIL_FROM     = var.mail_from
    ORGEXPORT_CONSOLE_URL   = var.console_url != "" ? var.console_url : "${local.function_urls["StartExport"]}/console"
    ORGEXPORT_ARCHIVE_URL   = "https://console.cloud.google.com/storage/browser/${google_storage_bucket.archive.name}"
  }

  env_bucket = { ORGEXPORT_BUCKET = google_storage_bucket.archive.name }

  # The admins' command line (cmd/orgexport): its Desktop OAuth client id is
  # a second audience of admins' ID tokens, and StartExport signs download
  # URLs keylessly as its own service account (iam.tf).
  env_cli = {
    ORGEXPORT_ADMIN_CLI_CLIENT_ID = var.admin_cli_oauth_client_id
    ORGEXPORT_URL_SIGNER          = google_service_account.runtime["StartExport"].email
  }
  env_events = { ORGEXPORT_EVENTS_TOPIC = google_pubsub_topic.events.name }

  env = {
    StartExport    = merge(local.env_common, local.env_admin, local.env_workspace, local.env_tasks, local.env_mail, local.env_bucket, local.env_cli, { ORGEXPORT_HOLD = var.hold, ORGEXPORT_PART_SIZE = var.part_size })
    BeginExport    = merge(local.env_common, local.env_service["BeginExport"], local.env_workspace, local.env_tasks, local.env_mail, local.env_bucket, local.env_events)
    ExportAccount  = merge(local.env_common, local.env_service["ExportAccount"], local.env_workspace, local.env_tasks, local.env_bucket, local.env_events, { ORGEXPORT_PART_SIZE = var.part_size, ORGEXPORT_TIME_BUDGET = var.time_budget, ORGEXPORT_ZIP_WORKERS = var.export_account_cpu })
    AssembleReport = merge(local.env_common, local.env_service["AssembleReport"], local.env_workspace, local.env_mail, local.env_bucket)
    Housekeeping   = merge(local.env_common, local.env_service["Housekeeping"], local.env_workspace, local.env_tasks, local.env_mail, local.env_bucket, local.env_events)
    Support        = merge(local.env_common, local.env_admin, { ORGEXPORT_SUPPORT_STAFF = join(",", var.support_staff) })
  }
}

resource "google_cloudfunctions2_function" "fn" {
  for_each = local.functions

  project     = var.project_id
  location    = var.region
  name        = each.value.name
  description = each.value.description

  build_config {
    runtime           = "go126"
    entry_point       = each.key
    service_account   = google_service_account.build.id
    docker_repository = google_artifact_registry_repository.functions.id

    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  # Ingress stays open: Cloud Tasks, Pub/Sub push and Scheduler reach the
  # functions over the internet-facing URL. Cloud Run IAM (invokers.tf) and
  # the OIDC check in code decide who gets in.
  service_config {
    service_account_email            = google_service_account.runtime[each.key].email
    timeout_seconds                  = each.value.timeout
    available_memory                 = each.value.memory
    available_cpu                    = each.value.cpu
    min_instance_count               = 0
    max_instance_count               = each.value.max_instances
    max_instance_request_concurrency = each.value.concurrency
    ingress_settings                 = "ALLOW_ALL"
    all_traffic_on_latest_revision   = true
    environment_variables            = local.env[each.key]

    dynamic "secret_environment_variables" {
      for_each = toset(each.value.secret_env)
      content {
        key        = secret_environment_variables.value
        project_id = var.project_id
        secret     = local.secrets[secret_environment_variables.value]
        version    = "latest"
      }
    }
  }

  lifecycle {
    ignore_changes = [build_config[0].source]
  }

  depends_on = [
    google_project_service.enabled,
    google_project_iam_member.build,
    google_artifact_registry_repository_iam_member.build,
    google_storage_bucket_iam_member.build_sources,
    google_secret_manager_secret_iam_member.runtime,
  ]
}
