"""An upload handler that drops a file as soon as it passes the size cap, so an oversized
upload is read to its end but neither kept in memory nor written to disk."""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest


class CappedUploadHandler(FileUploadHandler):
    """First in `request.upload_handlers`: passes each chunk on to Django's own handlers until
    the file's size passes `limit`, then skips the file and marks `request.upload_too_large`.
    """

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.request.upload_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the file
