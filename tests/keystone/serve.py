#!/usr/bin/env python3
"""Serves Keystone's WSGI application on 127.0.0.1 for the identity tests.

    serve.py PORT [TLS_PORT CERT KEY]

With TLS_PORT, the same application is also served over https there, with
the certificate CERT and its key KEY (PEM files).

Keystone reads its configuration files from OS_KEYSTONE_CONFIG_FILES. It
also parses the process's command line with oslo.config, so the runner
hides its own arguments from it. A threading server from the standard
library is enough for a test: no extra package to install.
"""

import socketserver
import ssl
import sys
import threading
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        sys.stderr.write("keystone: %s\n" % (format % args))


class SecureHandler(QuietHandler):
    """Tells the application it is served over https, so the links
    Keystone writes (its version documents) carry that scheme."""

    def get_environ(self):
        environ = super().get_environ()
        environ["HTTPS"] = "on"
        return environ


def main():
    port = int(sys.argv[1])
    tls = sys.argv[2:5]
    sys.argv = sys.argv[:1]
    from keystone.server import wsgi  # imported late: it reads sys.argv

    application = wsgi.initialize_public_application()
    if tls:
        tls_port, cert, key = tls
        secure = make_server("127.0.0.1", int(tls_port), application, ThreadingWSGIServer, SecureHandler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        # The handshake happens in each request's thread, so a client that
        # stalls or refuses our certificate holds up nobody else.
        secure.socket = context.wrap_socket(secure.socket, server_side=True, do_handshake_on_connect=False)
        threading.Thread(target=secure.serve_forever, daemon=True).start()
    server = make_server("127.0.0.1", port, application, ThreadingWSGIServer, QuietHandler)
    server.serve_forever()


if __name__ == "__main__":
    main()
