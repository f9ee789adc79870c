"""The non-JSON pages a Simotel answers with: Apache's error pages, a gateway's, PHP's warnings.

Byte for byte what Apache 2.4 on Ubuntu, nginx 1.18 in front of it and PHP 7.4 with
``display_errors`` on send, so a client's handling of "this is not the API answering" is
tested against the real thing.
"""

from __future__ import annotations

from starlette.responses import Response

SERVER_HEADERS = {"Server": "Apache/2.4.41 (Ubuntu)", "X-Powered-By": "PHP/7.4.3"}
APACHE_HEADERS = {"Server": "Apache/2.4.41 (Ubuntu)"}
NGINX_HEADERS = {"Server": "nginx/1.18.0 (Ubuntu)"}

#: nginx's own reason phrases (it writes "Time-out", as it always has).
NGINX_TITLES = {502: "Bad Gateway", 504: "Gateway Time-out"}

PHP_NOTICE = (
    "<br />\n<b>Notice</b>:  Undefined index: HTTP_X_APIKEY in "
    "<b>/var/www/html/api/v4/index.php</b> on line <b>37</b><br />\n"
)
PHP_FATAL = (
    "<br />\n<b>Fatal error</b>:  Allowed memory size of 134217728 bytes exhausted "
    "(tried to allocate 20480 bytes) in <b>/var/www/html/api/v4/index.php</b> on line <b>112</b><br />\n"
)


def apache_page(
    status: int, title: str, text: str, host: str, headers: dict[str, str] | None = None
) -> Response:
    """An Apache error page (``ErrorDocument`` default) for ``status``."""
    body = (
        '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n'
        f"<html><head>\n<title>{status} {title}</title>\n</head><body>\n"
        f"<h1>{title}</h1>\n<p>{text}</p>\n<hr>\n"
        f"<address>Apache/2.4.41 (Ubuntu) Server at {host} Port 80</address>\n"
        "</body></html>\n"
    )
    return Response(
        body, status, media_type="text/html; charset=iso-8859-1", headers=headers or SERVER_HEADERS
    )


def not_found_page(host: str) -> Response:
    """Apache's HTML 404 (wrong URL, or a download of a missing file)."""
    return apache_page(404, "Not Found", "The requested URL was not found on this server.", host)


def internal_error_page(host: str) -> Response:
    """Apache's HTML 500, as a PHP fatal error without ``display_errors`` gives."""
    return apache_page(500, "Internal Server Error", "The server encountered an internal error.", host)


def unavailable_page(host: str, *, closing: bool = False) -> Response:
    """Apache's 503, sent while PHP-FPM behind it is down; ``closing`` also ends the connection."""
    headers = dict(APACHE_HEADERS)
    if closing:
        # A restarting server drops its keep-alive connections: the client must reconnect.
        headers["Connection"] = "close"
    text = (
        "The server is temporarily unable to service your\nrequest due to maintenance downtime "
        "or capacity\nproblems. Please try again later."
    )
    return apache_page(503, "Service Unavailable", text, host, headers)


def gateway_page(status: int) -> Response:
    """nginx's page for a 502 or 504 from the upstream it proxies to."""
    title = f"{status} {NGINX_TITLES[status]}"
    body = (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx/1.18.0 (Ubuntu)</center>\r\n"
        "</body>\r\n</html>\r\n"
    )
    # nginx sends a bare ``text/html``; Starlette would append a charset to a media_type.
    return Response(body, status, headers={**NGINX_HEADERS, "Content-Type": "text/html"})


def error_5xx_page(status: int, host: str) -> Response:
    """The page a gateway in front of Simotel sends for 502, 503 or 504."""
    if status == 503:
        return unavailable_page(host)
    return gateway_page(status)


def php_warning_page(answer: bytes | None) -> Response:
    """HTTP 200 that is not JSON: a PHP notice printed before ``answer``, or a fatal error alone.

    Once PHP has printed a notice it can no longer set ``Content-Type: application/json``, so
    the page goes out as PHP's default ``text/html``.
    """
    body = PHP_NOTICE.encode() + answer if answer is not None else PHP_FATAL.encode()
    return Response(body, 200, media_type="text/html; charset=UTF-8", headers=SERVER_HEADERS)
