# Who may call each function through Cloud Run IAM. Service-called functions
# admit exactly their caller's service account, and verify the same account's
# OIDC token in code (ORGEXPORT_ALLOWED_CALLERS). StartExport and Support are
# called by admins' browsers with Google ID tokens whose audience is the
# console's OAuth client, and by CORS preflights without any token, so Cloud
# Run IAM cannot check them: they admit var.admin_api_invoker (allUsers by
# default) and verify every ID token in code before doing anything.

locals {
  # Function => the caller service accounts (keys of google_service_account.caller).
  service_callers = {
    BeginExport    = ["tasks_invoker"]
    ExportAccount  = ["tasks_invoker"]
    AssembleReport = ["pubsub_push"]
    Housekeeping   = ["scheduler"]
  }

  service_invokers = { for pair in flatten([
    for fn, callers in local.service_callers : [for c in callers : { fn = fn, caller = c }]
  ]) : "${pair.fn}/${pair.caller}" => pair }

  public_functions = ["StartExport", "Support"]
}

# A gen2 function runs as the Cloud Run service of the same name.
resource "google_cloud_run_v2_service_iam_member" "service_invoker" {
  for_each = local.service_invokers

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.fn[each.value.fn].name
  role     = "roles/run.invoker"
  member   = google_service_account.caller[each.value.caller].member
}

resource "google_cloud_run_v2_service_iam_member" "public_invoker" {
  for_each = toset(local.public_functions)

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.fn[each.value].name
  role     = "roles/run.invoker"
  member   = var.admin_api_invoker
}
