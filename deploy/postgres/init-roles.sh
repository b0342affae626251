#!/bin/sh
# Run by the postgres image when it initialises a new volume (docker-entrypoint-initdb.d): gives the
# `vizpro` database its owner role (migrations) and service role (everything else) from roles.sql. For a
# volume made before this script existed, run it once by hand:
#   docker compose exec postgres sh /docker-entrypoint-initdb.d/10-vizpro-roles.sh
set -eu
sed -e "s/@owner@/vizpro_owner/g" -e "s/@service@/vizpro_app/g" -e "s/@database@/${POSTGRES_DB:-vizpro}/g" \
    -e "s/@owner_password@/${VIZPRO_OWNER_PASSWORD}/g" -e "s/@service_password@/${VIZPRO_SERVICE_PASSWORD}/g" \
    /vizpro-postgres/roles.sql |
  psql -v ON_ERROR_STOP=1 -q --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-vizpro}"
