output "function_urls" {
  description = "URL of each function, keyed by entry point."
  value       = local.function_urls
}

output "archive_bucket" {
  description = "The bucket that receives the exports."
  value       = google_storage_bucket.archive.name
}

output "sources_bucket" {
  description = "The bucket Cloud Build uploads function sources to (_SOURCES_BUCKET)."
  value       = google_storage_bucket.sources.name
}

output "delegation_client_id" {
  description = "Client ID to authorise for domain-wide delegation in the Admin console."
  value       = google_service_account.delegation.unique_id
}

output "delegation_service_account" {
  description = "The service account impersonated to read Workspace."
  value       = google_service_account.delegation.email
}

output "deployer_service_account" {
  description = "Service account to run the Cloud Build trigger as."
  value       = google_service_account.deployer.email
}

output "build_service_account" {
  description = "Service account that builds the functions (--build-service-account)."
  value       = google_service_account.build.id
}

output "smtp_password_secret" {
  description = "Secret Manager secret to add the SMTP password to."
  value       = google_secret_manager_secret.smtp_password.secret_id
}
