#!/usr/bin/env bash
# Deploys new code to one orgexport function that terraform apply created.
# Used by cloudbuild.yaml; runnable by hand with the same variables.
#
#   deploy-function.sh NAME ENTRY_POINT
#
# Environment: DEPLOY_PROJECT (or BUILD_PROJECT), REGION, SOURCE (gs://… zip).
# Only the code changes: the service account, environment, secrets, scaling
# and IAM stay as Terraform set them (gcloud updates only the fields given).
set -euo pipefail

name="${1:?usage: deploy-function.sh NAME ENTRY_POINT}"
entry_point="${2:?usage: deploy-function.sh NAME ENTRY_POINT}"
project="${DEPLOY_PROJECT:-${BUILD_PROJECT:?set DEPLOY_PROJECT}}"
region="${REGION:?set REGION}"
source="${SOURCE:?set SOURCE to the gs:// zip of the sources}"

# A function that does not exist yet would be created with default settings
# (default service account, no environment): refuse, Terraform creates it.
if ! gcloud functions describe "$name" --gen2 --project="$project" --region="$region" --format='value(name)' >/dev/null 2>&1; then
  echo "function $name does not exist in $project/$region: run terraform apply in infra/ first" >&2
  exit 1
fi

gcloud functions deploy "$name" \
  --gen2 \
  --project="$project" \
  --region="$region" \
  --runtime=go126 \
  --entry-point="$entry_point" \
  --source="$source" \
  --trigger-http \
  --build-service-account="projects/$project/serviceAccounts/oe-build@$project.iam.gserviceaccount.com" \
  --quiet
