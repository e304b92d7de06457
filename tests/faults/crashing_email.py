"""An e-mail backend for one fault test: the first send kills the whole worker process, as a
machine losing power mid-task would; later sends go to files as usual."""

import os
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class EmailBackend(FileBackend):
    def send_messages(self, email_messages):
        marker = Path(os.environ["CRASH_MARKER"])
        if not marker.exists():
            marker.write_text("crashed")
            os._exit(9)
        return super().send_messages(email_messages)
