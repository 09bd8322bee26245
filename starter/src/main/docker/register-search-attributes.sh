#!/bin/sh
# Registers safedeploy's search attributes on the namespace, once: attributes already there are left alone,
# so `docker compose up` can run this on every start.
set -eu
ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
ATTRIBUTES="${SAFEDEPLOY_SEARCH_ATTRIBUTES:?list the search attributes to register}"

tries=0
until temporal operator namespace describe --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    echo "namespace $NAMESPACE not available at $ADDRESS after 60 tries" >&2
    exit 1
  fi
  sleep 2
done

existing="$(temporal operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE")"
for name in $ATTRIBUTES; do
  if printf '%s\n' "$existing" | grep -qw "$name"; then
    echo "search attribute $name already registered"
  else
    temporal operator search-attribute create --address "$ADDRESS" --namespace "$NAMESPACE" \
      --name "$name" --type Keyword
    echo "registered search attribute $name (Keyword)"
  fi
done
