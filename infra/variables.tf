# Inputs. Only project_id, admin_oauth_client_id, support_staff, smtp_host,
# mail_from and source_archive have no default; see terraform.tfvars.example.

variable "project_id" {
  description = "Google Cloud project that hosts orgexport."
  type        = string
}

variable "region" {
  description = "Region of the functions, queues and scheduler job. Must be a US region (R13)."
  type        = string
  default     = "us-central1"

  validation {
    condition     = can(regex("^us-[a-z]+[0-9]$", var.region))
    error_message = "The region must be a US region such as us-central1 (R13)."
  }
}

variable "bucket_name" {
  description = "Name of the archive bucket; empty means PROJECT_ID-orgexport-archive."
  type        = string
  default     = ""
}

variable "bucket_location" {
  description = "Location of the archive bucket: the US multi-region, NAM4, or a US region (R8a, R13)."
  type        = string
  default     = "US"

  validation {
    condition     = can(regex("^(US|NAM4|US-[A-Z]+[0-9])$", upper(var.bucket_location)))
    error_message = "The archive must stay in the US (R13): use US, NAM4 or a US region such as US-CENTRAL1."
  }
}

variable "retention_days" {
  description = "Days after which archive objects are deleted by the bucket lifecycle rule (R12)."
  type        = number
  default     = 30

  validation {
    condition     = var.retention_days >= 1 && var.retention_days <= 365
    error_message = "retention_days must be between 1 and 365."
  }
}

variable "kms_key_name" {
  description = "Optional Cloud KMS key (projects/P/locations/L/keyRings/R/cryptoKeys/K) for CMEK on the archive bucket; empty uses Google-managed keys. The key's location must match the bucket's (us for US)."
  type        = string
  default     = ""

  validation {
    condition     = var.kms_key_name == "" || can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.kms_key_name))
    error_message = "kms_key_name must be empty or a full crypto key resource name."
  }
}

variable "firestore_location" {
  description = "Location of the Firestore database: nam5 (US multi-region) or a US region."
  type        = string
  default     = "nam5"

  validation {
    condition     = can(regex("^(nam5|nam7|us-[a-z]+[0-9])$", var.firestore_location))
    error_message = "Firestore must be in the US: nam5, nam7 or a US region."
  }
}

variable "admin_oauth_client_id" {
  description = "OAuth client id of the admin console; the audience of admins' ID tokens (ORGEXPORT_ADMIN_TOKEN_AUDIENCE)."
  type        = string
}

variable "admin_cli_oauth_client_id" {
  description = "OAuth client id (type Desktop app) of the orgexport command line, accepted as a second audience of admins' ID tokens (ORGEXPORT_ADMIN_CLI_CLIENT_ID). Empty: only the console's."
  type        = string
  default     = ""
}

variable "admin_api_invoker" {
  description = "IAM member allowed to reach StartExport and Support through Cloud Run. allUsers is safe only because both verify Google ID tokens in code; see docs/deploy.md."
  type        = string
  default     = "allUsers"
}

variable "support_staff" {
  description = "Email addresses of the support operators allowed to call Support (R14)."
  type        = list(string)

  validation {
    condition     = length(var.support_staff) > 0
    error_message = "List at least one support operator."
  }
}

variable "console_url" {
  description = "Base URL of the export status pages linked from emails; empty means the StartExport URL."
  type        = string
  default     = ""
}

variable "workspace_endpoint" {
  description = "Base URL of the Workspace APIs; empty means Google's. Set only for a staging project that runs the Workspace emulator."
  type        = string
  default     = ""
}

variable "hold" {
  description = "The hold before an export of an organisation with several super administrators starts (R3a)."
  type        = string
  default     = "48h"
}

variable "part_size" {
  description = "Size at which an account's zip is split into numbered parts (R8b)."
  type        = string
  default     = "2GiB"
}

variable "export_account_cpu" {
  description = "vCPUs of ExportAccount (its memory stays 2Gi); its part writer deflates on as many at once (ORGEXPORT_ZIP_WORKERS). Two reach at least 1.6 times one's zip throughput (shared/archive BenchmarkWorkers)."
  type        = string
  default     = "1"
  validation {
    condition     = contains(["1", "2", "4"], var.export_account_cpu)
    error_message = "ExportAccount's CPU must be 1, 2 or 4 vCPUs."
  }
}

variable "time_budget" {
  description = "How long one ExportAccount invocation works before it checkpoints; below the 30-minute dispatch deadline."
  type        = string
  default     = "25m"
}

variable "log_level" {
  description = "Log level of every function: debug, info, warn or error."
  type        = string
  default     = "info"
}

variable "smtp_host" {
  description = "SMTP server that sends notifications."
  type        = string
}

variable "smtp_port" {
  description = "SMTP port."
  type        = number
  default     = 587
}

variable "smtp_tls" {
  description = "SMTP transport security: none, starttls or tls."
  type        = string
  default     = "starttls"
}

variable "smtp_username" {
  description = "SMTP user name; the password is a Secret Manager secret (see secrets.tf)."
  type        = string
  default     = ""
}

variable "mail_from" {
  description = "Sender address of notification emails."
  type        = string
}

variable "secret_locations" {
  description = "Regions where Secret Manager keeps the SMTP password."
  type        = list(string)
  default     = ["us-central1", "us-east1"]
}

variable "source_archive" {
  description = "Path to a zip of the repository used for the first deploy (git archive --format=zip -o orgexport.zip HEAD). Later code deploys go through cloudbuild.yaml."
  type        = string
}
