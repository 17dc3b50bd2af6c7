"""Support code for tests that is not a test module: fixtures shared by many test folders."""
