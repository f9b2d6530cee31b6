# Firestore in native mode in the US, the composite indexes the store's queries
# need (shared/store/queries.go; the emulator does not demand them, a test
# does), and a TTL policy as a backstop to Housekeeping.

resource "google_firestore_database" "main" {
  project                 = var.project_id
  name                    = "(default)"
  location_id             = var.firestore_location
  type                    = "FIRESTORE_NATIVE"
  delete_protection_state = "DELETE_PROTECTION_ENABLED"
  deletion_policy         = "ABANDON"

  depends_on = [google_project_service.enabled]
}

# Housekeeping: exports past their 14-day deadline (R10).
resource "google_firestore_index" "exports_state_deadline" {
  project     = var.project_id
  database    = google_firestore_database.main.name
  collection  = "exports"
  query_scope = "COLLECTION_GROUP"

  fields {
    field_path = "state"
    order      = "ASCENDING"
  }
  fields {
    field_path = "deadline"
    order      = "ASCENDING"
  }
}

# Housekeeping: exports past retention (R12).
resource "google_firestore_index" "exports_state_expires" {
  project     = var.project_id
  database    = google_firestore_database.main.name
  collection  = "exports"
  query_scope = "COLLECTION_GROUP"

  fields {
    field_path = "state"
    order      = "ASCENDING"
  }
  fields {
    field_path = "expires"
    order      = "ASCENDING"
  }
}

# Housekeeping: exports whose hold ended without a start (R3).
resource "google_firestore_index" "exports_state_hold_end" {
  project     = var.project_id
  database    = google_firestore_database.main.name
  collection  = "exports"
  query_scope = "COLLECTION_GROUP"

  fields {
    field_path = "state"
    order      = "ASCENDING"
  }
  fields {
    field_path = "holdEnd"
    order      = "ASCENDING"
  }
}

# Housekeeping: cancelled exports whose objects may not be deleted yet.
resource "google_firestore_index" "exports_state_cancelled_at" {
  project     = var.project_id
  database    = google_firestore_database.main.name
  collection  = "exports"
  query_scope = "COLLECTION_GROUP"

  fields {
    field_path = "state"
    order      = "ASCENDING"
  }
  fields {
    field_path = "cancelledAt"
    order      = "ASCENDING"
  }
}

# Housekeeping: exports with an email not sent yet (the outbox).
resource "google_firestore_index" "exports_mail_pending" {
  project     = var.project_id
  database    = google_firestore_database.main.name
  collection  = "exports"
  query_scope = "COLLECTION_GROUP"

  fields {
    field_path = "mailPending"
    order      = "ASCENDING"
  }
  fields {
    field_path = "requestedAt"
    order      = "ASCENDING"
  }
}

# Housekeeping: accounts of an export with no recent heartbeat (stuck work).
resource "google_firestore_index" "accounts_state_heartbeat" {
  project     = var.project_id
  database    = google_firestore_database.main.name
  collection  = "accounts"
  query_scope = "COLLECTION"

  fields {
    field_path = "state"
    order      = "ASCENDING"
  }
  fields {
    field_path = "heartbeat"
    order      = "ASCENDING"
  }
}

# The console's progress: how many accounts of each type are final.
resource "google_firestore_index" "accounts_type_state" {
  project     = var.project_id
  database    = google_firestore_database.main.name
  collection  = "accounts"
  query_scope = "COLLECTION"

  fields {
    field_path = "type"
    order      = "ASCENDING"
  }
  fields {
    field_path = "state"
    order      = "ASCENDING"
  }
}

# Backstop only: Firestore deletes an export's record some time (typically
# within a day) after its `purgeAt`, one year after the archive expired, so
# that the record goes on showing the export as EXPIRED (R12) for that year.
# Housekeeping expires exports; TTL deletes the document only, not its
# subcollections (accounts).
resource "google_firestore_field" "exports_purge_ttl" {
  project    = var.project_id
  database   = google_firestore_database.main.name
  collection = "exports"
  field      = "purgeAt"

  ttl_config {}
}
