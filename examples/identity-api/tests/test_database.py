"""The database settings the app derives from the django-api profile's environment (no Django needed)."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from identity.database import ReadReplicaRouter, databases_from_env  # noqa: E402


class DatabasesFromEnvTest(unittest.TestCase):
    def setUp(self):
        self.secret = tempfile.NamedTemporaryFile("w", delete=False)
        self.secret.write("s3cret:with\\colon\n")
        self.secret.close()
        os.environ["DATABASE_PASSWORD_FILE"] = self.secret.name

    def tearDown(self):
        os.unlink(self.secret.name)
        del os.environ["DATABASE_PASSWORD_FILE"]

    def test_an_edge_site_with_a_local_writer_writes_there_and_reads_its_replica(self):
        dbs = databases_from_env({
            "DATABASE_URL": "postgres://postgres@users-db-cloud:5432/users_db",
            "DATABASE_READ_URL": "postgres://postgres@users-db-douala:5432/users_db",
            "DATABASE_LOCAL_URL": "postgres://postgres@users-db-douala-local:5432/users_db",
        })
        self.assertEqual(dbs["default"]["HOST"], "users-db-douala-local")
        self.assertEqual(dbs["replica"]["HOST"], "users-db-douala")
        self.assertEqual(dbs["default"]["NAME"], "users_db")
        self.assertEqual(dbs["default"]["PORT"], "5432")
        self.assertEqual(dbs["default"]["USER"], "postgres")

    def test_the_password_comes_from_the_secret_file_verbatim(self):
        dbs = databases_from_env({"DATABASE_URL": "postgres://postgres@users-db-cloud:5432/users_db"})
        self.assertEqual(dbs["default"]["PASSWORD"], "s3cret:with\\colon")

    def test_the_cloud_without_replica_or_local_writer_reads_and_writes_the_primary(self):
        dbs = databases_from_env({"DATABASE_URL": "postgres://postgres@users-db-cloud:5432/users_db"})
        self.assertEqual(dbs["default"]["HOST"], "users-db-cloud")
        self.assertEqual(dbs["replica"]["HOST"], "users-db-cloud")

    def test_no_database_url_is_a_clear_error(self):
        with self.assertRaisesRegex(RuntimeError, "DATABASE_URL is not set"):
            databases_from_env({})

    def test_another_scheme_is_refused(self):
        with self.assertRaisesRegex(ValueError, "postgres://"):
            databases_from_env({"DATABASE_URL": "mysql://u@h/db"})


class ReadReplicaRouterTest(unittest.TestCase):
    def test_reads_go_to_the_replica_writes_and_migrations_to_the_writer(self):
        router = ReadReplicaRouter()
        self.assertEqual(router.db_for_read(None), "replica")
        self.assertEqual(router.db_for_write(None), "default")
        self.assertTrue(router.allow_migrate("default", "accounts"))
        self.assertFalse(router.allow_migrate("replica", "accounts"))


if __name__ == "__main__":
    unittest.main()
