"""Size caps enforced while an upload streams, not after it has filled the disk."""

from functools import wraps

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.views.decorators.csrf import csrf_exempt, csrf_protect


class CappedUploadHandler(TemporaryFileUploadHandler):
    """Streams to a temporary file and stops reading once a file passes FILE_UPLOAD_MAX_SIZE."""

    def __init__(self, request=None, max_size: int | None = None):
        super().__init__(request)
        self.max_size = max_size or settings.FILE_UPLOAD_MAX_SIZE
        self.received = 0
        self.too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # A declared length far above the cap (a file plus its form fields) is refused before
        # reading anything.
        if content_length and content_length > self.max_size + 64 * 1024:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        return None

    def new_file(self, *args, **kwargs):
        self.received = 0
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_size:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)


def install_capped_handler(request, max_size: int | None = None) -> CappedUploadHandler:
    """Call before touching request.POST/FILES; returns the handler to ask `too_large`."""
    handler = CappedUploadHandler(request, max_size=max_size)
    request.upload_handlers = [handler]
    return handler


def capped_upload(view):
    """For a view that takes uploads: the size cap must be in place before anything reads the
    body, CSRF included (Django's upload-handler documentation), so the view is csrf_exempt
    outside and csrf_protect inside, and is called with `handler=` to ask `too_large`."""
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        handler = install_capped_handler(request)
        return protected(request, *args, handler=handler, **kwargs)

    return wrapper
