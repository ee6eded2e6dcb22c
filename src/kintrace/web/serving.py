"""How `kintrace serve` runs waitress: every request and response held in memory, and the
reverse proxy's word on https believed only from the proxy's own address.

waitress writes a request body over `inbuf_overflow` (512 KiB by default) and a pending
response over `outbuf_overflow` (1 MiB) to a temporary file; a report's photo or a decrypted
original would sit in clear on disk. Here the input buffer is sized to the largest request
kintrace accepts, larger bodies are refused before they are read, and output never overflows.
"""

import sys

from kintrace.intake.uploads import MAX_FILES

# Room for the multipart boundaries and part headers around the files and fields, in bytes.
MULTIPART_OVERHEAD = 256 * 1024
# Output is what the application already holds in memory in one piece (a page, an original);
# waitress makes the application wait while more than `outbuf_high_watermark` (16 MiB) is
# pending on one connection, so an output buffer that never overflows holds no more than that.
NEVER = sys.maxsize


def largest_request_bytes() -> int:
    """The largest request body kintrace accepts, in bytes: the larger of a list upload and a
    report carrying its most files at the largest size, plus the form's other fields (Django
    refuses those above DATA_UPLOAD_MAX_MEMORY_SIZE) and the multipart framing."""
    from django.conf import settings

    files = max(settings.KINTRACE_MAX_LIST_BYTES, MAX_FILES * settings.KINTRACE_MAX_UPLOAD_BYTES)
    return files + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + MULTIPART_OVERHEAD


def waitress_options() -> dict:
    """Keyword arguments for waitress.serve (after Django is set up): memory-only buffers, the
    body limit, and the trusted proxy from KINTRACE_TRUSTED_PROXY (none when it is unset)."""
    from django.conf import settings

    limit = largest_request_bytes()
    options = {
        "ident": "kintrace",
        # waitress refuses a body of max_request_body_size bytes or more (413), by its
        # Content-Length before reading it, or as soon as a chunked body reaches it.
        "max_request_body_size": limit + 1,
        # A body that may be read is below the limit, so it never reaches the overflow size.
        "inbuf_overflow": limit + 1,
        "outbuf_overflow": NEVER,
        # Forwarded headers from anyone but the trusted proxy are removed, and even from the
        # proxy only X-Forwarded-Proto is believed: no client address is taken or kept.
        "clear_untrusted_proxy_headers": True,
    }
    if settings.TRUSTED_PROXY:
        options.update(trusted_proxy=settings.TRUSTED_PROXY, trusted_proxy_count=1,
                       trusted_proxy_headers={"x-forwarded-proto"})
    return options
