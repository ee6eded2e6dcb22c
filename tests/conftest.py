import os
import tempfile

# Each test run gets its own data directory, so tests never touch a developer's data.
os.environ.setdefault("KINTRACE_DATA_DIR", tempfile.mkdtemp(prefix="kintrace-test-"))
