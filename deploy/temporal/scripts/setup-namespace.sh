#!/bin/sh
# Creates the namespace and CallSense's custom search attributes (idempotent).
set -eu
ns="${DEFAULT_NAMESPACE:-default}"
temporal operator namespace describe --namespace "$ns" >/dev/null 2>&1 || temporal operator namespace create --namespace "$ns" --retention 7d
for attr in OrganizationId UserId LeadId; do
  temporal operator search-attribute list --namespace "$ns" | grep -q "^ *$attr " || temporal operator search-attribute create --namespace "$ns" --name "$attr" --type Keyword
done
echo "Namespace $ns is ready"
