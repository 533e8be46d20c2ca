-- swarmop: physical replication slots on the primary (Replication users-db). Generated; do not edit.
\set ON_ERROR_STOP on
SELECT pg_create_physical_replication_slot('replica_users_db_douala')
  WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = 'replica_users_db_douala');
SELECT pg_create_physical_replication_slot('replica_users_db_yaounde')
  WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = 'replica_users_db_yaounde');
