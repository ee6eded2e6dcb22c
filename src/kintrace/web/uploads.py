"""Uploaded files stay in memory: never a temporary file with a list or a reporter's photo."""

from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import MemoryFileUploadHandler

from .serving import largest_request_bytes


class MemoryOnlyUploadHandler(MemoryFileUploadHandler):
    """Django's in-memory handler, active for every request up to the largest one kintrace
    accepts (kintrace.web.serving.largest_request_bytes); a larger body is refused with 400
    (RequestDataTooBig) instead of being handed to a handler that writes to disk."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > largest_request_bytes():
            raise RequestDataTooBig("The request is larger than kintrace accepts.")
        self.activated = True
