-- swarmop: subscription to the publications at douala (Replication users-db). Generated; do not edit.
\set ON_ERROR_STOP on
\connect 'host=users-db-douala-local port=5432 user=postgres dbname=users_db'
DO $swarmop$
BEGIN
  IF (SELECT count(DISTINCT (schemaname, tablename)) FROM pg_publication_tables
      WHERE pubname IN ('site_writes')) < 1 THEN
    RAISE EXCEPTION 'swarmop: the publisher does not publish its % tables yet', 1;
  END IF;
END
$swarmop$;
\connect 'host=users-db-cloud port=5432 user=postgres dbname=users_db'
SELECT 'CREATE SUBSCRIPTION "sub_users_db_douala" CONNECTION ''host=users-db-douala-local port=5432 user=postgres passfile=/var/run/postgresql/swarmop.pgpass dbname=users_db'' PUBLICATION "site_writes"'
  WHERE NOT EXISTS (SELECT 1 FROM pg_subscription WHERE subname = 'sub_users_db_douala')
\gexec
SELECT 'ALTER SUBSCRIPTION "sub_users_db_douala" REFRESH PUBLICATION'
\gexec
DO $swarmop$
BEGIN
  IF (SELECT count(*) FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid
      WHERE s.subname = 'sub_users_db_douala') < 1 THEN
    RAISE EXCEPTION 'swarmop: subscription % has not got its % tables yet (publication missing?)', 'sub_users_db_douala', 1;
  END IF;
END
$swarmop$;
