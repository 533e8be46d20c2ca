-- swarmop: publications at douala (Replication users-db). Generated; do not edit.
\set ON_ERROR_STOP on
DO $swarmop$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'site_writes') THEN
    CREATE PUBLICATION "site_writes" FOR TABLE "accounts_audit";
  END IF;
END
$swarmop$;
ALTER PUBLICATION "site_writes" SET TABLE "accounts_audit";
