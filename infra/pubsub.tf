# Export events drive report assembly: topic export-events, pushed to
# AssembleReport with an OIDC token, with a dead-letter topic for messages
# that keep failing.

resource "google_project_service_identity" "pubsub" {
  provider = google-beta
  project  = var.project_id
  service  = "pubsub.googleapis.com"
}

resource "google_pubsub_topic" "events" {
  project = var.project_id
  name    = "export-events"

  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }

  depends_on = [google_project_service.enabled]
}

resource "google_pubsub_topic" "events_dead_letter" {
  project = var.project_id
  name    = "export-events-dead-letter"

  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }

  depends_on = [google_project_service.enabled]
}

# Keeps dead-lettered events for a week so an operator can inspect them.
resource "google_pubsub_subscription" "events_dead_letter" {
  project                    = var.project_id
  name                       = "export-events-dead-letter-hold"
  topic                      = google_pubsub_topic.events_dead_letter.id
  message_retention_duration = "604800s"
  ack_deadline_seconds       = 60

  expiration_policy {
    ttl = ""
  }
}

# AssembleReport verifies the token (audience: its URL, as
# ORGEXPORT_SERVICE_TOKEN_AUDIENCE says) and reads the raw push body. The
# path names the topic in the form the Functions Framework expects of a
# CloudEvent function's push endpoint; AssembleReport ignores it.
resource "google_pubsub_subscription" "assemble_report" {
  project                    = var.project_id
  name                       = "export-events-assemble-report"
  topic                      = google_pubsub_topic.events.id
  ack_deadline_seconds       = 600
  message_retention_duration = "604800s"

  push_config {
    push_endpoint = "${local.function_urls["AssembleReport"]}/projects/${var.project_id}/topics/${google_pubsub_topic.events.name}"

    oidc_token {
      service_account_email = google_service_account.caller["pubsub_push"].email
      audience              = local.function_urls["AssembleReport"]
    }
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.events_dead_letter.id
    max_delivery_attempts = 10
  }

  expiration_policy {
    ttl = ""
  }

  depends_on = [google_cloudfunctions2_function.fn]
}

# Dead-lettering: the Pub/Sub service agent publishes to the dead-letter
# topic and acknowledges on the source subscription.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  project = var.project_id
  topic   = google_pubsub_topic.events_dead_letter.name
  role    = "roles/pubsub.publisher"
  member  = google_project_service_identity.pubsub.member
}

resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  project      = var.project_id
  subscription = google_pubsub_subscription.assemble_report.name
  role         = "roles/pubsub.subscriber"
  member       = google_project_service_identity.pubsub.member
}

# The Pub/Sub service agent mints the push SA's OIDC tokens.
resource "google_service_account_iam_member" "pubsub_push_token" {
  service_account_id = google_service_account.caller["pubsub_push"].name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = google_project_service_identity.pubsub.member
}
