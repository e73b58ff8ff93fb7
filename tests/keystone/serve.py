#!/usr/bin/env python3
"""Serves Keystone's WSGI application on 127.0.0.1 for the identity tests.

    serve.py PORT

Keystone reads its configuration files from OS_KEYSTONE_CONFIG_FILES. It
also parses the process's command line with oslo.config, so the runner
hides its own arguments from it. A threading server from the standard
library is enough for a test: no extra package to install.
"""

import socketserver
import sys
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        sys.stderr.write("keystone: %s\n" % (format % args))


def main():
    port = int(sys.argv[1])
    sys.argv = sys.argv[:1]
    from keystone.server import wsgi  # imported late: it reads sys.argv

    application = wsgi.initialize_public_application()
    server = make_server("127.0.0.1", port, application, ThreadingWSGIServer, QuietHandler)
    server.serve_forever()


if __name__ == "__main__":
    main()
