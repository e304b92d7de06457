from tests.faults.conftest import private_redis  # noqa: F401 - the fault tests' own Redis
