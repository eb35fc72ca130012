#!/bin/sh
# Creates (or upgrades) Temporal's two PostgreSQL databases with temporal-sql-tool from temporalio/admin-tools.
set -eu
tool() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" --pw "$POSTGRES_PWD" "$@"; }
schema=/etc/temporal/schema/postgresql/v12
for db in temporal temporal_visibility; do
  dir=temporal; [ "$db" = temporal_visibility ] && dir=visibility
  tool --db "$db" create || true # already there on a restart
  tool --db "$db" setup-schema -v 0.0 || true
  tool --db "$db" update-schema -d "$schema/$dir/versioned"
done
echo "Temporal schema is up to date"
